// Rebalance: several connector instances in one consumer group; one is stopped mid-run and the
// others take over its partitions. Nothing may be lost or reordered: the final state equals the
// ground truth.
#include <fmt/format.h>

#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

class RebalanceTest : public E2eTest, public ::testing::WithParamInterface<int> {};

TEST_P(RebalanceTest, OneInstanceStoppedMidRunOthersFinish) {
  const int instances = GetParam();
  ASSERT_NO_FATAL_FAILURE(StartWorld(6));
  demo::MembershipStream stream({.events = 3000,
                                 .audiences = 3,
                                 .seed = static_cast<uint64_t>(700 + instances),
                                 .malformed_share = 0.005});
  const std::string group = fmt::format("e2e-rebalance-{}", instances);
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 150;
  // Answers take a little while so the stopped member has work in flight when it goes.
  sandbox::FaultSpec slow;
  slow.latency_ms = 30;
  sandbox_->SetFaults(slow);

  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream, 1500));
  std::vector<std::unique_ptr<RunningConnector>> members;
  for (int i = 0; i < instances; ++i) {
    members.push_back(RunningConnector::Start(cfg));
    ASSERT_NE(members.back(), nullptr);
  }
  // Mid-run: once some offsets are committed, but well before the end.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto committed = kafka::CommittedOffsets(bootstraps_, group, {kTopic}, 5s);
        if (!committed.ok()) return false;
        for (const auto& [tp, offset] : *committed) {
          if (offset > 0) return true;
        }
        return false;
      },
      90s, 100ms));
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream, 750));
  EXPECT_TRUE(members.front()->Stop()) << "the stopped member did not stop gracefully";
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));

  EXPECT_TRUE(WaitCaughtUp(group, 150s)) << CommitGap(group);
  for (auto& member : members) EXPECT_TRUE(member->Stop());
  ExpectFinalState(stream, group);
}

INSTANTIATE_TEST_SUITE_P(Members, RebalanceTest, ::testing::Values(2, 3),
                         [](const auto& info) { return fmt::format("{}Instances", info.param); });

}  // namespace
}  // namespace pinsync::e2e
