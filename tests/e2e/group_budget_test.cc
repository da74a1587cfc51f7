// One budget for the consumer group (issue 7, item 4): three replicas of one group drain a
// backlog larger than a minute of the account's budget, against a sandbox enforcing that budget
// (`--rate-limit-per-minute` = pinterest.requests_per_minute). The sandbox answers no 429, the
// fleet together uses at least 90 % of the budget over a minute fully inside the backlog, and the
// lists end equal to what was sent.
//
// How the minute is measured, and why not on the sandbox's own window: the sandbox counts each
// account's requests in fixed minutes of its clock (the steady clock here) and answers 429 past
// the budget. Each member's token bucket keeps every sliding 60 s at or under its share (burst
// included, TokenBucket::SetRate), and the shares add up to 1, so every fixed minute is under the
// budget too: no 429 is the first proof. For the second, a fixed minute fully inside the backlog
// would mean waiting up to a minute for the sandbox's next window edge; instead the test counts
// the sandbox's requests over a sliding minute that starts once every member has spent its
// start-up burst and delivers (so no stored-up burst inflates the count), and ends while every
// member still has records to send. A sliding minute holds at most the budget, like a clock
// minute, so "at least 90 % of the budget in it" is the same proof without the wait. Expected:
// each member refills at its share less its 3-second burst (38 of 40 a minute), 114 of 120.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <thread>

#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

constexpr int kGroupMembers = 3;
constexpr int kPartitions = 6;  // two per replica: equal shares of the budget
constexpr int kBudgetPerMinute = 120;
// Small requests so that the backlog needs many: every member holds kListCount lists of
// kUsersPerPartition x 2 partitions = 230 records, 23 requests each. At its share (38 requests a
// minute once its burst is spent) a member needs about 74 s for its 46 updates, the look-ups and
// its part of the creates, which ends some 8 s after the measured minute (that starts about 6 s
// into the deliveries): the slack for members that start a few seconds apart. The test takes
// about 87 s: 3 s to form the group, 6.5 s of handoff delay, 6 s to the measured minute, the
// minute, 8 s of slack.
// Two lists: each new list costs its creator two requests within its share, which must go
// before the registry's claim timeout (2 x request_timeout + margin = 6.5 s) expires.
constexpr size_t kRecordsPerRequest = 10;
constexpr int kListCount = 2;
constexpr int kUsersPerPartition = 115;
constexpr double kStartedRecords = 3 * kRecordsPerRequest;
constexpr auto kMeasuredSpan = std::chrono::seconds(60);
// A measurement cut short by a member that ran out of work must still cover this much.
constexpr auto kShortestSpan = std::chrono::seconds(40);

class GroupBudgetTest : public E2eTest {};

TEST_F(GroupBudgetTest, ThreeReplicasShareOneBudgetWithoutA429AndUseAtLeast90Percent) {
  sandbox::SandboxOptions options;
  options.faults.rate_limit_per_minute = kBudgetPerMinute;
  ASSERT_NO_FATAL_FAILURE(StartWorld(kPartitions, options));

  // The same number of records per partition and list, so that each member's data matches its
  // share of the budget and no member runs dry while the others still wait for theirs.
  ExpectedLists expected;
  int user = 0;
  for (int partition = 0; partition < kPartitions; ++partition) {
    for (int list = 0; list < kListCount; ++list) {
      const std::string audience = fmt::format("aud{}", list);
      const std::string name = fmt::format("Budget{}", list);
      for (int i = 0; i < kUsersPerPartition; ++i, ++user) {
        const std::string email = fmt::format("budget{}@example.com", user);
        auto sent = producer_->Produce(
            kTopic, fmt::format("u-{}", user),
            EventJson(audience, name, "add", fmt::format(R"({{"email":["{}"]}})", email)),
            partition);
        ASSERT_TRUE(sent.ok()) << sent.error().message;
        expected[name + "-EMAIL"].insert(demo::Sha256Hex(email));
      }
    }
  }
  auto flushed = producer_->Flush(30s);
  ASSERT_TRUE(flushed.ok()) << flushed.error().message;
  ASSERT_EQ(producer_->failed(), 0u);

  const std::string group = "e2e-group-budget";
  config::Config cfg = BaseConfig(group);
  cfg.pinterest.requests_per_minute = kBudgetPerMinute;
  cfg.pinterest.max_records_per_request = kRecordsPerRequest;
  // A shorter handoff delay (session + request timeout + margin: 6.5 s) shortens the start-up;
  // answers on loopback take milliseconds.
  cfg.pinterest.request_timeout = 3s;
  const auto fleet_started = std::chrono::steady_clock::now();
  auto members = RunningConnector::StartTogether(cfg, kGroupMembers);
  for (const auto& member : members) ASSERT_NE(member, nullptr);
  auto records_added = [&members] {
    std::vector<double> added;
    for (const auto& member : members) {
      added.push_back(member->MetricSum("pinsync_pinterest_records_added_total"));
    }
    return added;
  };
  auto describe = [](const std::vector<double>& added) {
    return fmt::format("records acknowledged per member: {}", fmt::join(added, ", "));
  };

  // The measured minute starts once every member delivers, past its handoff delay and burst.
  const bool all_delivering = WaitFor(
      [&] {
        const auto added = records_added();
        return std::all_of(added.begin(), added.end(),
                           [](double n) { return n >= kStartedRecords; });
      },
      60s, 50ms);
  ASSERT_TRUE(all_delivering) << describe(records_added());
  const auto started = std::chrono::steady_clock::now();
  const int64_t requests_at_start = sandbox_->Requests().total;
  // Records handed to delivery and not yet acknowledged, per member: still working.
  auto unacknowledged_records = [&members] {
    std::vector<double> unacknowledged;
    for (const auto& member : members) {
      unacknowledged.push_back(member->MetricSum("pinsync_connector_in_flight_records"));
    }
    return unacknowledged;
  };
  // The span ends after kMeasuredSpan, or earlier when a member runs out of work: a member that
  // started late (a loaded machine) leaves the others a larger share first, and they finish
  // sooner. From then on the fleet could not use the whole budget, so the span stops there.
  std::vector<double> unacknowledged = unacknowledged_records();
  while (
      std::chrono::steady_clock::now() < started + kMeasuredSpan &&
      std::all_of(unacknowledged.begin(), unacknowledged.end(), [](double n) { return n > 0; })) {
    std::this_thread::sleep_for(100ms);
    unacknowledged = unacknowledged_records();
  }
  const int64_t requests_at_end = sandbox_->Requests().total;
  const auto ended = std::chrono::steady_clock::now();  // after the read: never shorter
  const auto added_at_end = records_added();

  EXPECT_TRUE(WaitCaughtUp(group, 120s)) << CommitGap(group);
  const auto caught_up = std::chrono::steady_clock::now();
  {
    // Together: one at a time, each departure would rebalance the others first.
    std::vector<std::thread> stoppers;
    for (auto& member : members) {
      stoppers.emplace_back([&member] { EXPECT_TRUE(member->Stop()); });
    }
    for (auto& t : stoppers) t.join();
  }

  // (1) The budget held in every one of the sandbox's minutes.
  const auto counts = sandbox_->Requests();
  EXPECT_FALSE(counts.by_status.contains("429"))
      << counts.by_status.at("429") << " requests answered 429";

  // The span was long enough to mean something: at least kShortestSpan inside the backlog.
  ASSERT_GE(ended - started, kShortestSpan)
      << "a member ran out of work " << std::chrono::duration<double>(ended - started).count()
      << " s into the measurement: the backlog is too small for it (" << describe(added_at_end)
      << ")";
  // (2) At least 90 % of the budget over the measured span (up to a minute, a little over if the
  // test thread woke late, less if a member ran out of work: the budget is prorated to it).
  const double span_minutes = std::chrono::duration<double>(ended - started).count() / 60.0;
  const double used = static_cast<double>(requests_at_end - requests_at_start);
  const double budget = kBudgetPerMinute * span_minutes;
  auto since_start = [fleet_started](auto t) {
    return std::chrono::duration<double>(t - fleet_started).count();
  };
  std::printf(
      "group budget: %.0f requests in %.2f s, %.1f%% of the budget (%d/min); measured from "
      "%.1f s after the start, caught up at %.1f s\n",
      used, span_minutes * 60, 100 * used / budget, kBudgetPerMinute, since_start(started),
      since_start(caught_up));
  RecordProperty("requests_in_measured_minute", static_cast<int>(used));
  EXPECT_GE(used, 0.9 * budget) << "the fleet used " << used << " requests of a budget of "
                                << budget << " over " << span_minutes * 60 << " s";

  // (3) Pinterest holds exactly what was sent, each list once, with one audience.
  ExpectLists(expected, group);
}

}  // namespace
}  // namespace pinsync::e2e
