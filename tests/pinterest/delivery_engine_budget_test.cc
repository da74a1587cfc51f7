// Spending the rate budget well: batches waiting for their turn merge into full requests, the
// oldest waiting change goes first, and lists and audiences are resolved by one paged sweep of
// the ad account instead of one look-up per list.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "pinsync/pinterest/batch_merge.h"
#include "pinsync/pinterest/delivery_engine.h"
#include "pinterest/engine_harness.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BatchMergeTest, TheLaterChangeOfARecordWins) {
  auto earlier = MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3), Records(10, 2));
  earlier.lowest_offsets = {{0, 50}, {1, 70}};
  earlier.opened_at = SteadyTime(seconds(5));
  earlier.not_before = SteadyTime(seconds(9));
  // Record 0 leaves, record 10 comes back, record 20 is new, record 1 is added again.
  std::vector<aggregate::BatchRecord> adds = {{IdFor(10), 2}, {IdFor(20), 2}, {IdFor(1), 3}};
  std::vector<aggregate::BatchRecord> removes = {{IdFor(0), 1}};
  auto later = MakeBatch(2, "111", "vip", ListType::kEmail, adds, removes);
  later.lowest_offsets = {{1, 60}, {2, 80}, {3, 90}};
  later.opened_at = SteadyTime(seconds(7));
  later.not_before = SteadyTime(seconds(12));

  MergeLaterBatch(earlier, later);
  EXPECT_EQ(earlier.id, 1u);
  EXPECT_EQ(Hexes(earlier.adds),
            Hexes({{IdFor(1), 0}, {IdFor(2), 0}, {IdFor(10), 0}, {IdFor(20), 0}}));
  EXPECT_EQ(Hexes(earlier.removes), Hexes({{IdFor(0), 0}, {IdFor(11), 0}}));
  for (const auto& r : earlier.adds) {
    if (r.id == IdFor(1)) {
      EXPECT_EQ(r.partition, 3u) << "the latest change's partition";
    }
  }
  std::map<aggregate::PartitionId, int64_t> lowest(earlier.lowest_offsets.begin(),
                                                   earlier.lowest_offsets.end());
  EXPECT_EQ(lowest,
            (std::map<aggregate::PartitionId, int64_t>{{0, 50}, {1, 60}, {2, 80}, {3, 90}}));
  EXPECT_EQ(earlier.opened_at, SteadyTime(seconds(5)));
  EXPECT_EQ(earlier.not_before, SteadyTime(seconds(12)));
}

TEST(DeliveryEngineBudgetTest, BatchesWaitingBehindTheListsBatchInFlightLeaveAsOneFullRequest) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  bool release = false;
  h.pinterest().hold = [&](const HttpRequest& r) { return IsPatch(r) && !release; };
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 170)));
  h.Turns(5);  // its PATCH is on the wire, held
  // Ten age-cut batches of 170 records arrive meanwhile (the last removes 20 earlier adds). None
  // changes a record of the request on the wire: they join the batch in flight, as its unsent
  // part, instead of waiting for it to finish.
  for (uint64_t b = 0; b < 9; ++b) {
    h.engine().Submit(
        MakeBatch(2 + b, "111", "vip", ListType::kEmail, Records(1000 + b * 170, 170)));
  }
  h.engine().Submit(MakeBatch(11, "111", "vip", ListType::kEmail, {}, Records(1000, 20)));
  EXPECT_EQ(h.engine().queued_batches(), 1u) << "the ten later batches joined the one in flight";
  release = true;
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 1u);
  EXPECT_EQ(out[0].first.merged_batch_ids, (std::vector<uint64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(out[0].second.adds.size(), 170u + 9 * 170 - 20);
  EXPECT_EQ(out[0].second.removes.size(), 20u);
  // 170 + (1510 adds in one request) + (20 removes in one request): the fewest the data allows.
  EXPECT_EQ(h.CountLog("PATCH"), 3u);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members.size(), 170u + 9 * 170 - 20);
}

TEST(DeliveryEngineBudgetTest, ABatchWaitingForTheBudgetTakesInLaterBatchesOfItsList) {
  EngineHarness h;
  const std::string other = h.pinterest().AddList("111", "other-EMAIL");
  const std::string vip = h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().audiences["111"].push_back({"1", "other", other});
  h.pinterest().audiences["111"].push_back({"2", "vip", vip});
  // Another list's first PATCH is answered 429 with Retry-After: the whole account waits 2 s.
  bool limited = false;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (!IsPatch(r) || limited) return std::nullopt;
    limited = true;
    return Answer(429, R"({"code":429,"message":"slow down"})", {{"retry-after", "2"}});
  };
  h.Start();
  h.engine().Submit(MakeBatch(100, "111", "other", ListType::kEmail, Records(5000, 1)));
  h.Turns(10, milliseconds(1));
  ASSERT_TRUE(limited);
  // vip's batch is planned, and waits for the account's budget; a later one joins it.
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 100)));
  h.Turns(5, milliseconds(1));
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(100, 100)));
  auto out = h.Run(2, 20000, milliseconds(50));
  ASSERT_EQ(out.size(), 2u);
  const auto& merged = out[0].first.batch_id == 1 ? out[0] : out[1];
  EXPECT_EQ(merged.first.batch_id, 1u);
  EXPECT_EQ(merged.first.merged_batch_ids, std::vector<uint64_t>{2});
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members.size(), 200u);
  size_t vip_patches = 0;
  for (const auto& r : h.transport().started()) {
    vip_patches += IsPatch(r) && r.url.ends_with("/customer_lists/" + vip) ? 1 : 0;
  }
  EXPECT_EQ(vip_patches, 1u);
}

TEST(DeliveryEngineBudgetTest, TheListWithTheOldestWaitingChangeGoesFirst) {
  config::Config c = FakeConfig();
  c.pinterest.requests_per_minute = 60;  // 1/s, burst 3
  c.pinterest.max_records_per_request = 1;
  EngineHarness h(c);
  for (const char* name : {"a", "b", "c"}) {
    h.pinterest().AddList("111", std::string(name) + "-EMAIL");
    h.pinterest().audiences["111"].push_back(
        {std::string("aud-") + name, name,
         h.pinterest().FindList("111", std::string(name) + "-EMAIL")->id});
  }
  h.Start();
  // Warm up: every list and audience resolved, so the first three requests below are PATCHes.
  for (uint64_t i = 0; i < 3; ++i) {
    h.engine().Submit(MakeBatch(10 + i, "111", std::string(1, static_cast<char>('a' + i)),
                                ListType::kEmail, Records(900 + i, 1)));
  }
  ASSERT_EQ(h.Run(3, 20000, milliseconds(50)).size(), 3u);
  h.clock().Advance(seconds(5));  // the bucket fills up again
  const size_t warm_requests = h.transport().started().size();
  const SteadyTime t0 = h.clock().Now();
  // "a" sorts first but holds the newest changes; "c" the oldest.
  auto batch = [&](uint64_t id, const char* audience, uint64_t from, seconds age) {
    auto b = MakeBatch(id, "111", audience, ListType::kEmail, Records(from, 30));
    b.opened_at = t0 - age;
    return b;
  };
  h.engine().Submit(batch(1, "a", 0, seconds(10)));
  h.engine().Submit(batch(2, "b", 100, seconds(20)));
  h.engine().Submit(batch(3, "c", 200, seconds(30)));
  auto out = h.Run(3, 20000, milliseconds(50));
  ASSERT_EQ(out.size(), 3u);
  // Each round gives every list one request, oldest first, so they finish oldest first.
  EXPECT_EQ(out[0].first.batch_id, 3u);
  EXPECT_EQ(out[1].first.batch_id, 2u);
  EXPECT_EQ(out[2].first.batch_id, 1u);
  std::vector<std::string> first_patches;
  for (size_t i = warm_requests; i < h.transport().started().size(); ++i) {
    const auto& r = h.transport().started()[i];
    if (IsPatch(r) && first_patches.size() < 3) first_patches.push_back(r.url);
  }
  ASSERT_EQ(first_patches.size(), 3u);
  EXPECT_NE(first_patches[0].find(h.pinterest().FindList("111", "c-EMAIL")->id), std::string::npos);
  EXPECT_NE(first_patches[1].find(h.pinterest().FindList("111", "b-EMAIL")->id), std::string::npos);
}

// A new list's creates go before an older list's backlog of updates: every change of the new
// list waits for them, and with the registry the whole group waits for the claim's winner, which
// is taken over if it does not create within the claim timeout (the e2e GroupBudgetTest saw the
// creates of a newer list wait behind 20 s of an older list's updates, twice over).
TEST(DeliveryEngineBudgetTest, ANewListsCreatesGoBeforeAnOlderListsBacklogOfUpdates) {
  config::Config c = FakeConfig();
  c.pinterest.requests_per_minute = 60;  // 57 a minute after a burst of 3
  c.pinterest.max_records_per_request = 1;
  EngineHarness h(c);
  h.pinterest().AddList("111", "old-EMAIL");
  h.pinterest().audiences["111"].push_back(
      {"aud-old", "old", h.pinterest().FindList("111", "old-EMAIL")->id});
  h.Start();
  // Warm up: the sweeps and one update spend the burst, so from here on one token at a time.
  h.engine().Submit(MakeBatch(1, "111", "old", ListType::kEmail, Records(900, 1)));
  ASSERT_EQ(h.Run(1, 20000, milliseconds(50)).size(), 1u);
  const size_t warm = h.pinterest().log.size();
  const SteadyTime now = h.clock().Now();
  auto old_backlog = MakeBatch(2, "111", "old", ListType::kEmail, Records(0, 20));
  old_backlog.opened_at = now - seconds(30);
  auto new_list = MakeBatch(3, "111", "new", ListType::kEmail, Records(100, 5));
  new_list.opened_at = now - seconds(10);
  h.engine().Submit(std::move(old_backlog));
  h.engine().Submit(std::move(new_list));
  auto out = h.Run(2, 20000, milliseconds(50));
  ASSERT_EQ(out.size(), 2u);
  for (const auto& [outcome, batch] : out) {
    EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
  }
  // Position of each request after the warm-up: the list's and its audience's creates come
  // within the first requests, not after the old list's 20 updates.
  std::vector<std::string> sent(h.pinterest().log.begin() + static_cast<std::ptrdiff_t>(warm),
                                h.pinterest().log.end());
  auto position = [&sent](const std::string& line) {
    return std::find(sent.begin(), sent.end(), line) - sent.begin();
  };
  const auto create_list = position("POST /ad_accounts/111/customer_lists");
  const auto create_audience = position("POST /ad_accounts/111/audiences");
  ASSERT_LT(create_audience, static_cast<std::ptrdiff_t>(sent.size()));
  EXPECT_LE(create_list, 1) << fmt::format("{}", fmt::join(sent, "; "));
  EXPECT_LE(create_audience, 3) << fmt::format("{}", fmt::join(sent, "; "));
  EXPECT_EQ(h.pinterest().FindList("111", "new-EMAIL")->members, Hexes(Records(100, 5)));
  EXPECT_EQ(h.pinterest().FindList("111", "old-EMAIL")->members.size(), 21u);
}

TEST(DeliveryEngineBudgetTest, ARestartResolvesEveryListFromOneSweepOfTheAccount) {
  EngineHarness h;
  // 600 lists with audiences already exist (an earlier run made them).
  constexpr int kLists = 600;
  for (int i = 0; i < kLists; ++i) {
    const std::string name = "aud" + std::to_string(i);
    h.pinterest().AddList("111", name + "-EMAIL");
    h.pinterest().audiences["111"].push_back(
        {"a" + std::to_string(i), name, h.pinterest().FindList("111", name + "-EMAIL")->id});
  }
  h.Start();
  // The first batches after the restart, for 40 of them and one new audience.
  for (int i = 0; i < 40; ++i) {
    h.engine().Submit(MakeBatch(1 + i, "111", "aud" + std::to_string(i * 15), ListType::kEmail,
                                Records(i * 10, 10)));
  }
  h.engine().Submit(MakeBatch(100, "111", "brand-new", ListType::kEmail, Records(9000, 5)));
  auto out = h.Run(41);
  std::set<uint64_t> done;
  for (const auto& o : out) done.insert(o.first.batch_id);
  for (int i = 1; i <= 40; ++i) {
    if (!done.contains(i))
      ADD_FAILURE() << "batch " << i << " (aud" << (i - 1) * 15 << ") unfinished";
  }
  ASSERT_EQ(out.size(), 41u);
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/customer_lists"), 3u);   // ceil(600 / 250)
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/audiences"), 1u);        // one page in the fake
  EXPECT_EQ(h.CountLog("POST /ad_accounts/111/customer_lists"), 1u);  // only the new one
  EXPECT_EQ(h.CountLog("POST /ad_accounts/111/audiences"), 1u);
  EXPECT_EQ(h.pinterest().lists["111"].size(), static_cast<size_t>(kLists) + 1);
  EXPECT_EQ(h.pinterest().FindList("111", "aud15-EMAIL")->members, Hexes(Records(10, 10)));

  // A new audience well after the sweep: one more sweep finds it absent, then it is created.
  h.clock().Advance(seconds(120));
  h.engine().Submit(MakeBatch(200, "111", "later-new", ListType::kEmail, Records(9100, 5)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/customer_lists"), 6u);
  EXPECT_NE(h.pinterest().FindList("111", "later-new-EMAIL"), nullptr);
}

TEST(DeliveryEngineBudgetTest, AMembersShareOfTheGroupBudgetLimitsItsRequests) {
  config::Config c = FakeConfig();
  c.pinterest.requests_per_minute = 120;  // the group's budget
  c.pinterest.max_records_per_request = 1;
  EngineHarness h(c);
  h.pinterest().AddList("111", "vip-EMAIL");
  std::vector<SteadyTime> times;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (IsPatch(r)) times.push_back(h.clock().Now());
    return std::nullopt;
  };
  h.Start();
  h.engine().SetBudgetShare(0.25);  // 30 requests a minute for this member
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 200)));
  h.Turns(2400, milliseconds(50));  // two minutes
  ASSERT_GT(times.size(), 50u);
  for (size_t i = 0; i < times.size(); ++i) {
    size_t in_window = 0;
    for (size_t j = i; j < times.size() && times[j] - times[i] < seconds(60); ++j) ++in_window;
    EXPECT_LE(in_window, 30u + 1u);  // the rate plus a burst of 1 (three seconds' worth)
  }
  EXPECT_LE(times.size(), 64u);
}

// Many slow lists on one budget: every turn of a list carries a partial ADD request. A REMOVE
// that is partial too must not wait behind them until the batch ends (half of
// retry_max_duration: hours): a user who left would stay on the list all that time.
TEST(DeliveryEngineBudgetTest, APartialRemoveTakesATurnFromPartialAddsInsteadOfWaitingForTheBatch) {
  config::Config c = FakeConfig();
  c.pinterest.requests_per_minute = 60;  // 1/s: the list's turns come at the budget's pace
  c.pinterest.max_records_per_request = 100;
  c.pinterest.retry_max_duration = std::chrono::hours(1);  // the batch keeps taking later ones
  EngineHarness h(c);
  const std::string vip = h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().audiences["111"].push_back({"1", "vip", vip});
  std::map<std::string, SteadyTime> removed_at;  // record -> when its REMOVE was submitted
  Duration latest_remove{};
  size_t removes_sent = 0;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (!IsPatch(r) || r.body.find("\"REMOVE\"") == std::string::npos) return std::nullopt;
    for (const auto& [hex, at] : removed_at) {
      if (r.body.find(hex) == std::string::npos) continue;
      latest_remove = std::max(latest_remove, h.clock().Now() - at);
      ++removes_sent;
    }
    return std::nullopt;
  };
  h.Start();
  // 40 s of a stream of 50 adds a second and, from the fifth second, one remove a second of a
  // member added five seconds earlier (acknowledged long since).
  std::set<std::string> expected;
  for (uint64_t second = 0; second < 40; ++second) {
    std::vector<aggregate::BatchRecord> removes;
    if (second >= 5) {
      removes = Records(1000 + (second - 5) * 50, 1);
      removed_at[removes[0].id.Hex()] = h.clock().Now();
      expected.erase(removes[0].id.Hex());
    }
    auto adds = Records(1000 + second * 50, 50);
    for (const auto& r : adds) expected.insert(r.id.Hex());
    auto batch = MakeBatch(1 + second, "111", "vip", ListType::kEmail, adds, removes);
    batch.opened_at = h.clock().Now();
    h.engine().Submit(std::move(batch));
    h.Turns(20, milliseconds(50));  // a second
  }
  h.Turns(400, milliseconds(50));
  EXPECT_EQ(h.engine().queued_batches(), 0u);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, expected);
  EXPECT_EQ(removes_sent, 35u);
  // Partial ADD and REMOVE requests take turns: a remove waits a couple of turns, not for the
  // batch's end (40 s here).
  EXPECT_LE(latest_remove, seconds(5));
}

}  // namespace
}  // namespace pinsync::pinterest
