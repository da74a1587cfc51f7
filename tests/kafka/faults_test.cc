// Faults injected through the mock cluster: commit errors, a broker down and back.

#include "kafka_test_support.h"
#include "pinsync/kafka/admin.h"

namespace pinsync::kafka::testing {
namespace {

TEST_F(KafkaTest, InjectedOffsetCommitErrorFailsCommitSyncAndRetrySucceeds) {
  Produce(100);
  auto source = NewSource(Config("commit-error-group"));
  ASSERT_NE(source, nullptr);
  std::vector<Received> got = Consume(*source, 100);
  ASSERT_EQ(got.size(), 100u);
  const OffsetList offsets = NextOffsets(got);

  // A non-retriable error, so librdkafka hands it to us instead of retrying internally.
  cluster_->PushRequestErrors(KafkaApi::kOffsetCommit,
                              {RD_KAFKA_RESP_ERR_INVALID_COMMIT_OFFSET_SIZE});
  auto failed = source->CommitSync(offsets);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, KafkaErrorCode::kCommitFailed);
  EXPECT_EQ(failed.error().rd_kafka_code, RD_KAFKA_RESP_ERR_INVALID_COMMIT_OFFSET_SIZE);
  EXPECT_NE(failed.error().message.find("retry"), std::string::npos);

  auto committed = CommittedOffsets(cluster_->bootstraps(), "commit-error-group", {kTopic});
  ASSERT_TRUE(committed.ok());
  for (const auto& [tp, offset] : *committed) EXPECT_EQ(offset, -1);

  auto retried = source->CommitSync(offsets);
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  committed = CommittedOffsets(cluster_->bootstraps(), "commit-error-group", {kTopic});
  ASSERT_TRUE(committed.ok());
  for (const auto& [tp, next] : offsets) EXPECT_EQ((*committed)[tp], next);
  source->Close();
}

TEST_F(KafkaTest, ConsumptionContinuesAfterABrokerGoesDownAndComesBack) {
  // Put every partition on broker 1 and the group elsewhere, so taking broker 1 down stops
  // fetching without touching the coordinator.
  for (int p = 0; p < kPartitions; ++p)
    ASSERT_TRUE(cluster_->SetPartitionLeader(kTopic, p, 1).ok());
  ASSERT_TRUE(cluster_->SetGroupCoordinator("broker-down-group", 2).ok());
  Produce(100, 20, 0);
  auto source = NewSource(Config("broker-down-group"));
  ASSERT_NE(source, nullptr);
  std::vector<Received> first = Consume(*source, 100);
  ASSERT_EQ(first.size(), 100u);

  ASSERT_TRUE(cluster_->SetBrokerDown(1).ok());
  std::vector<Received> while_down = PollUntil(
      *source, [] { return false; }, 20);
  EXPECT_TRUE(while_down.empty());
  ASSERT_TRUE(cluster_->SetBrokerUp(1).ok());

  Produce(100, 20, 100);
  std::vector<Received> second = Consume(*source, 100, 600);
  EXPECT_EQ(second.size(), 100u);
  for (const auto& r : second) {
    const int index = std::stoi(r.value.substr(r.key.size() + 1));
    EXPECT_GE(index, 100);
  }
  source->Close();
}

TEST_F(KafkaTest, FetchAndJoinGroupErrorsAreRetriedTransparently) {
  cluster_->PushRequestErrors(KafkaApi::kJoinGroup,
                              {RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                               RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS});
  cluster_->PushRequestErrors(
      KafkaApi::kFetch, {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR__TRANSPORT,
                         RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION});
  Produce(200);
  auto source = NewSource(Config("fetch-error-group"));
  ASSERT_NE(source, nullptr);
  std::vector<Received> got = Consume(*source, 200, 600);
  EXPECT_EQ(got.size(), 200u);
  source->Close();
}

TEST_F(KafkaTest, CommitsFollowTheGroupCoordinatorWhenItMoves) {
  ASSERT_TRUE(cluster_->SetGroupCoordinator("moving-group", 1).ok());
  Produce(100);
  auto source = NewSource(Config("moving-group"));
  ASSERT_NE(source, nullptr);
  std::vector<Received> got = Consume(*source, 100);
  ASSERT_EQ(got.size(), 100u);
  ASSERT_TRUE(source->CommitSync({NextOffsets(got)[0]}).ok());

  ASSERT_TRUE(cluster_->SetGroupCoordinator("moving-group", 3).ok());
  // The first commit after the move may be refused (NOT_COORDINATOR) while librdkafka looks
  // the coordinator up again; the connector retries, as here (bounded).
  bool committed = false;
  for (int attempt = 0; attempt < 20 && !committed; ++attempt) {
    committed = source->CommitSync(NextOffsets(got)).ok();
    if (!committed)
      PollUntil(
          *source, [] { return false; }, 2);
  }
  ASSERT_TRUE(committed);
  auto offsets = CommittedOffsets(cluster_->bootstraps(), "moving-group", {kTopic});
  ASSERT_TRUE(offsets.ok()) << offsets.error().message;
  for (const auto& [tp, next] : NextOffsets(got)) EXPECT_EQ((*offsets)[tp], next);
  source->Close();
}

TEST_F(KafkaTest, MockClusterRejectsAnUnknownBroker) {
  auto down = cluster_->SetBrokerDown(42);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, KafkaErrorCode::kMockCluster);
  EXPECT_NE(down.error().message.find("broker 42"), std::string::npos);
  EXPECT_FALSE(MockKafkaCluster::Start(0).ok());
}

}  // namespace
}  // namespace pinsync::kafka::testing
