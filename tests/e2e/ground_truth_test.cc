// Ground truth: a seeded random stream over several audiences, identifier kinds and partitions,
// through the whole connector; the sandbox must end equal to the stream's net membership.
#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

TEST_F(E2eTest, GroundTruthRandomStreamOverAudiencesAndPartitions) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(6));
  demo::MembershipStream stream(
      {.events = 4000, .audiences = 3, .seed = 20261123, .malformed_share = 0.005});
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));

  const std::string group = "e2e-ground-truth";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 250;  // several size flushes per list, the rest by age
  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  EXPECT_TRUE(WaitCaughtUp(group, 120s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());

  ExpectFinalState(stream, group);
  ExpectDeadLetters(stream);
  // The aggregator cut several batches per list, not one big one (delivery may merge those that
  // waited for their turn into fewer requests).
  EXPECT_GE(connector->counters().batches_submitted, 12u);
  int64_t requests = 0;
  for (const auto& list : sandbox_->Lists()) requests += list.num_batches;
  EXPECT_LE(requests, static_cast<int64_t>(connector->counters().batches_submitted) * 2);
  EXPECT_EQ(connector->counters().batches_failed, 0u);
  EXPECT_EQ(connector->counters().messages, stream.produced());
}

}  // namespace
}  // namespace pinsync::e2e
