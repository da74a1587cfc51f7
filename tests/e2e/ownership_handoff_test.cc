// Ordering across owners (issue: "Removed users come back after a rebalance"). A member whose
// batch is held back by its rate budget loses half its partitions to a member that joins; the
// same users then change again (add then remove, or remove then add). The old owner's held batch
// must never land after the new owner's later change: every list ends equal to the ground truth,
// and no record changes on Pinterest after its last change was committed. Then the old owner
// leaves while its batches still wait, and the remaining member finishes.
#include <fmt/format.h>

#include "e2e/change_ledger.h"
#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

enum class Direction { kAddThenRemove, kRemoveThenAdd };

struct HandoffCase {
  Direction direction;
  uint64_t seed;
};

class OwnershipHandoffTest : public E2eTest, public ::testing::WithParamInterface<HandoffCase> {
 protected:
  // Quick group timings (see RebalanceTest) and a short handoff delay: 6 s session + 4 s request
  // timeout + 1 s margin.
  config::Config GroupConfig(const std::string& group) const {
    config::Config cfg = BaseConfig(group);
    cfg.kafka.properties["session.timeout.ms"] = "6000";
    cfg.shutdown.timeout = 4s;
    cfg.pinterest.request_timeout = 4s;
    cfg.pipeline.handoff_margin = 1s;
    cfg.batching.max_records = 5000;
    cfg.batching.max_age = 300ms;
    return cfg;
  }
};

constexpr int kUsers = 600;
constexpr char kAudience[] = "handoff";
constexpr char kAudienceName[] = "Handoff";
constexpr char kList[] = "Handoff-EMAIL";

TEST_P(OwnershipHandoffTest, AnOldOwnersHeldBatchNeverLandsAfterTheNewOwnersChange) {
  const HandoffCase param = GetParam();
  const bool add_first = param.direction == Direction::kAddThenRemove;
  ASSERT_NO_FATAL_FAILURE(StartWorld(6));
  const std::string group = fmt::format("e2e-handoff-{}-{}", add_first ? "ar" : "ra", param.seed);
  const config::Config cfg = GroupConfig(group);

  ExpectedLists expected;
  auto batch_of = [&](const std::string& op, int from, int to) {
    std::vector<std::pair<std::string, std::string>> messages;
    for (int i = from; i < to; ++i) {
      const std::string email = fmt::format("user{}-{}@example.com", param.seed, i);
      messages.emplace_back(
          fmt::format("user-{}-{}", param.seed, i),
          EventJson(kAudience, kAudienceName, op, fmt::format(R"({{"email":"{}"}})", email)));
      if (op == "add") {
        expected[kList].insert(demo::Sha256Hex(email));
      } else {
        expected[kList].erase(demo::Sha256Hex(email));
      }
    }
    return messages;
  };

  // The ordering check, sampled throughout: committed offsets first, then the sandbox.
  ChangeLedger ledger;
  ChangeLedger::SettledWatch watch;
  std::vector<std::string> order_violations;
  auto sample = [&] {
    auto committed = kafka::CommittedOffsets(bootstraps_, group, {kTopic}, 5s);
    if (!committed.ok()) return;
    for (auto& v : ledger.ChangedAfterSettled(*committed, sandbox_->MembershipChanges(), watch)) {
      if (order_violations.size() < 20) order_violations.push_back(std::move(v));
    }
  };
  auto refresh_ledger = [&] {
    auto messages = kafka::ReadTopic(bootstraps_, kTopic);
    ASSERT_TRUE(messages.ok()) << messages.error().message;
    ledger = ChangeLedger::FromMessages(*messages, cfg.kafka.max_message_bytes);
  };

  // The list exists (one user who stays, and for remove-then-add every user), made by a member
  // with a full budget that then leaves.
  {
    auto setup = batch_of("add", kUsers, kUsers + 1);
    if (!add_first) {
      auto all = batch_of("add", 0, kUsers);
      setup.insert(setup.end(), all.begin(), all.end());
    }
    ASSERT_NO_FATAL_FAILURE(ProduceAll(setup));
    auto first = RunningConnector::Start(cfg);
    ASSERT_NE(first, nullptr);
    ASSERT_TRUE(WaitCaughtUp(group, 60s)) << CommitGap(group);
    ASSERT_TRUE(first->Stop());
  }
  ASSERT_TRUE(FindList(kList).has_value());

  // The old owner: a budget of 6 requests a minute (3 once it shares it with the joining
  // member), so its batches wait for their turn: without the fix, its held ADD lands about 20 s
  // after its first flush (two look-ups first), after the rebalance and the new owner's changes.
  config::Config slow = cfg;
  slow.pinterest.requests_per_minute = 6;
  auto old_owner = RunningConnector::Start(slow);
  ASSERT_NE(old_owner, nullptr);
  ASSERT_TRUE(WaitFor(
      [&] { return old_owner->MetricSum("pinsync_connector_assigned_partitions") == 6; }, 60s));
  ASSERT_NO_FATAL_FAILURE(ProduceAll(batch_of(add_first ? "add" : "remove", 0, kUsers)));
  ASSERT_NO_FATAL_FAILURE(refresh_ledger());
  // Its batch is handed to delivery and waits there (budget).
  ASSERT_TRUE(WaitFor(
      [&] { return old_owner->MetricSum("pinsync_connector_in_flight_records") >= kUsers; }, 30s));

  // A member joins: the group rebalances while the old owner's batch waits.
  auto new_owner = RunningConnector::Start(cfg);
  ASSERT_NE(new_owner, nullptr);
  ASSERT_TRUE(WaitFor(
      [&] {
        return new_owner->MetricSum("pinsync_connector_assigned_partitions") >= 1 &&
               old_owner->MetricSum("pinsync_connector_assigned_partitions") >= 1 &&
               new_owner->MetricSum("pinsync_connector_assigned_partitions") +
                       old_owner->MetricSum("pinsync_connector_assigned_partitions") ==
                   6;
      },
      60s))
      << "the group did not settle on two members";

  // The same users change again, across the rebalance.
  ASSERT_NO_FATAL_FAILURE(ProduceAll(batch_of(add_first ? "remove" : "add", 0, kUsers)));
  ASSERT_NO_FATAL_FAILURE(refresh_ledger());
  // Everything committed, and the old owner's delivery queue empty: whatever it still held has
  // landed (or was withdrawn) before the list is compared.
  EXPECT_TRUE(WaitCaughtUp(group, 150s, sample)) << CommitGap(group);
  EXPECT_TRUE(WaitFor(
      [&] {
        sample();
        return old_owner->MetricSum("pinsync_connector_in_flight_records") == 0;
      },
      90s, 200ms))
      << "the old owner still holds batches";
  sample();
  const double withdrawn = old_owner->MetricSum("pinsync_connector_records_withdrawn_total");
  const double new_owner_rebalances = new_owner->MetricSum("pinsync_connector_rebalances_total");

  // The old owner leaves; the remaining member takes over and finishes.
  EXPECT_TRUE(old_owner->Stop());
  ASSERT_NO_FATAL_FAILURE(ProduceAll(batch_of("add", kUsers + 1, kUsers + 2)));
  ASSERT_NO_FATAL_FAILURE(refresh_ledger());
  EXPECT_TRUE(WaitCaughtUp(group, 150s, sample)) << CommitGap(group);
  sample();
  EXPECT_TRUE(new_owner->Stop());

  std::printf(
      "handoff (%s, seed %llu): %.0f record(s) withdrawn by the old owner, %.0f "
      "rebalance event(s) on the new one, %zu settled records watched\n",
      add_first ? "add then remove" : "remove then add",
      static_cast<unsigned long long>(param.seed), withdrawn, new_owner_rebalances,
      watch.seen.size());
  EXPECT_TRUE(order_violations.empty())
      << "records changed on Pinterest after their last change was committed:\n"
      << fmt::format("{}", fmt::join(order_violations, "\n"));
  EXPECT_GT(watch.seen.size(), static_cast<size_t>(kUsers / 2)) << "the check watched too little";
  ExpectLists(expected, group);
}

INSTANTIATE_TEST_SUITE_P(Cases, OwnershipHandoffTest,
                         ::testing::Values(HandoffCase{Direction::kAddThenRemove, 11},
                                           HandoffCase{Direction::kRemoveThenAdd, 12}),
                         [](const auto& info) {
                           return fmt::format("{}Seed{}",
                                              info.param.direction == Direction::kAddThenRemove
                                                  ? "AddThenRemove"
                                                  : "RemoveThenAdd",
                                              info.param.seed);
                         });

}  // namespace
}  // namespace pinsync::e2e
