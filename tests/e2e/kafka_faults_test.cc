// Kafka faults through the mock cluster's API while the connector runs: a broker down and back
// up, errors on OffsetCommit and Fetch, the group coordinator moving. The connector must ride
// them out: the final state equals the ground truth and everything is committed.
#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

bool AnyCommitted(const std::string& bootstraps, const std::string& group) {
  auto committed = kafka::CommittedOffsets(bootstraps, group, {kTopic}, 5s);
  if (!committed.ok()) return false;
  for (const auto& [tp, offset] : *committed) {
    if (offset > 0) return true;
  }
  return false;
}

TEST_F(E2eTest, KafkaFaultsBrokerDownRequestErrorsAndCoordinatorMove) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(6));
  demo::MembershipStream stream(
      {.events = 3000, .audiences = 3, .seed = 9001, .malformed_share = 0.005});
  const std::string group = "e2e-kafka-faults";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 200;

  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream, 1000));
  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  ASSERT_TRUE(WaitFor([&] { return AnyCommitted(bootstraps_, group); }, 90s));

  // Commits and fetches fail for a while (the transport error drops the connection).
  cluster_->PushRequestErrors(
      kafka::KafkaApi::kOffsetCommit,
      {RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
       RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR__TRANSPORT});
  cluster_->PushRequestErrors(
      kafka::KafkaApi::kFetch,
      {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR__TRANSPORT,
       RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT});
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream, 1000));

  // A broker goes down for about a second and comes back; the partitions it leads stall.
  ASSERT_TRUE(cluster_->SetBrokerDown(2).ok());
  std::this_thread::sleep_for(1s);  // the fault's duration, not a wait for a condition
  ASSERT_TRUE(cluster_->SetBrokerUp(2).ok());

  // The coordinator moves to another broker, twice.
  ASSERT_TRUE(cluster_->SetGroupCoordinator(group, 3).ok());
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));
  ASSERT_TRUE(cluster_->SetGroupCoordinator(group, 1).ok());

  EXPECT_TRUE(WaitCaughtUp(group, 150s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());
  ExpectFinalState(stream, group);
}

}  // namespace
}  // namespace pinsync::e2e
