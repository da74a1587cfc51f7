// Rebalance: several connector instances in one consumer group; one is stopped mid-run and the
// others take over its partitions. Nothing may be lost or reordered: the final state equals the
// ground truth.
#include <fmt/format.h>

#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

class RebalanceTest : public E2eTest, public ::testing::WithParamInterface<int> {
 protected:
  // The mock coordinator gives members session.timeout.ms - 1 s to rejoin a rebalance (a real
  // broker gives max.poll.interval.ms), and a member waiting in its revocation for in-flight
  // batches (bounded by shutdown.timeout) cannot rejoin meanwhile. Keep that wait inside the
  // window, or members fence one another in turn.
  config::Config GroupConfig(const std::string& group) const {
    config::Config cfg = BaseConfig(group);
    cfg.kafka.properties["session.timeout.ms"] = "6000";
    cfg.shutdown.timeout = 4s;
    return cfg;
  }
};

TEST_P(RebalanceTest, OneInstanceStoppedMidRunOthersFinish) {
  const int instances = GetParam();
  ASSERT_NO_FATAL_FAILURE(StartWorld(6));
  demo::MembershipStream stream({.events = 3000,
                                 .audiences = 3,
                                 .seed = static_cast<uint64_t>(700 + instances),
                                 .malformed_share = 0.005});
  const std::string group = fmt::format("e2e-rebalance-{}", instances);
  config::Config cfg = GroupConfig(group);
  cfg.batching.max_records = 150;
  // Answers take a little while so the stopped member has work in flight when it goes.
  sandbox::FaultSpec slow;
  slow.latency_ms = 30;
  sandbox_->SetFaults(slow);

  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream, 1500));
  // The first member starts alone and creates every list and audience; the others join once
  // they exist. (Members creating the same list at the same moment is its own test below.)
  std::vector<std::unique_ptr<RunningConnector>> members;
  members.push_back(RunningConnector::Start(cfg));
  ASSERT_NE(members.back(), nullptr);
  ASSERT_TRUE(WaitFor(
      [&] {
        return sandbox_->Lists().size() == 2 * stream.audiences().size() &&
               sandbox_->Audiences().size() == 2 * stream.audiences().size();
      },
      90s, 100ms));
  for (int i = 1; i < instances; ++i) {
    members.push_back(RunningConnector::Start(cfg));
    ASSERT_NE(members.back(), nullptr);
  }
  // The group has rebalanced once every member holds partitions.
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& member : members) {
          if (member->MetricSum("pinsync_kafka_assigned_partitions") < 1) return false;
        }
        return true;
      },
      90s, 100ms));
  // Mid-run: the stopped member has just been handed new messages (and answers are slow).
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream, 750));
  EXPECT_TRUE(members.front()->Stop()) << "the stopped member did not stop gracefully";
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));

  EXPECT_TRUE(WaitCaughtUp(group, 150s)) << CommitGap(group);
  for (auto& member : members) EXPECT_TRUE(member->Stop());
  ExpectFinalState(stream, group);
}

// Several members starting together on a fresh ad account all see the first batches of every
// list at once: each list (and its audience) must still be created exactly once. The registry
// topic (kafka.registry_topic) elects one creator per list name.
TEST_P(RebalanceTest, InstancesStartingTogetherCreateEachListOnce) {
  const int instances = GetParam();
  ASSERT_NO_FATAL_FAILURE(StartWorld(6));
  demo::MembershipStream stream({.events = 1500,
                                 .audiences = 3,
                                 .seed = static_cast<uint64_t>(800 + instances),
                                 .malformed_share = 0.005});
  const std::string group = fmt::format("e2e-start-together-{}", instances);
  config::Config cfg = GroupConfig(group);
  cfg.batching.max_records = 150;
  sandbox::FaultSpec slow;
  // A slow round trip between looking a name up and creating it widens the window in which
  // two members both find no list.
  slow.latency_ms = 150;
  sandbox_->SetFaults(slow);
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));
  std::vector<std::unique_ptr<RunningConnector>> members;
  for (int i = 0; i < instances; ++i) {
    members.push_back(RunningConnector::Start(cfg));
    ASSERT_NE(members.back(), nullptr);
  }
  EXPECT_TRUE(WaitCaughtUp(group, 150s)) << CommitGap(group);
  for (auto& member : members) EXPECT_TRUE(member->Stop());
  const auto requests = sandbox_->Requests().by_operation;
  EXPECT_EQ(requests.count("customer_lists/create") ? requests.at("customer_lists/create") : 0,
            static_cast<int64_t>(2 * stream.audiences().size()));
  ExpectFinalState(stream, group);
}

INSTANTIATE_TEST_SUITE_P(Members, RebalanceTest, ::testing::Values(2, 3),
                         [](const auto& info) { return fmt::format("{}Instances", info.param); });

}  // namespace
}  // namespace pinsync::e2e
