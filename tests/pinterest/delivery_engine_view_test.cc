// The engine's side of Pinterest's view: the periodic view sweep spends little and only spare
// budget, what it reads reaches the snapshot and the gauges, and a list at the record cap takes
// no more ADDs while its REMOVEs still go.

#include <gtest/gtest.h>

#include "pinsync/pinterest/delivery_engine.h"
#include "pinterest/engine_harness.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

double Requests(EngineHarness& h, const std::string& operation) {
  return h.stats().Request(operation, "2xx").Value();
}

// `n` lists in ad account 111, each with its CUSTOMER_LIST audience.
void AddLists(FakePinterest& pinterest, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string name = i == 0 ? "vip-EMAIL" : "list-" + std::to_string(i);
    const std::string id = pinterest.AddList("111", name);
    pinterest.audiences["111"].push_back({"9" + id, name, id});
  }
}

TEST(DeliveryEngineViewTest, TheViewSweepReadsEveryPageOncePerInterval) {
  EngineHarness h;
  h.config().pinterest.view_sweep_interval = minutes(10);
  constexpr int kLists = 600;  // 3 pages of lists; the fake answers audiences in one page
  AddLists(h.pinterest(), kLists);
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 120)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  const size_t gets_after_batch = h.CountLog("GET");
  EXPECT_EQ(gets_after_batch, 4u) << "the look-up sweep: 3 list pages, 1 audience page";
  EXPECT_EQ(Requests(h, "view_lists"), 0) << "no view sweep before its interval";

  // Three intervals, then some: at most 2 x ceil(N / 250) requests per interval.
  h.Turns(3 * 600 + 30, seconds(1));
  const double view_requests = Requests(h, "view_lists") + Requests(h, "view_audiences");
  EXPECT_EQ(Requests(h, "view_lists"), 3 * 3);
  EXPECT_EQ(Requests(h, "view_audiences"), 3 * 1);
  EXPECT_LE(view_requests, 3 * 2 * ((kLists + 249) / 250));
  EXPECT_EQ(h.CountLog("GET") - gets_after_batch, static_cast<size_t>(view_requests));
  EXPECT_EQ(h.stats().view.Sweep(true).Value(), 3);
  EXPECT_EQ(h.stats().view.Sweep(false).Value(), 0);
  for (const auto& r : h.transport().started()) {
    if (IsGet(r)) {
      EXPECT_NE(r.url.find("page_size=250"), std::string::npos) << r.url;
    }
  }
}

TEST(DeliveryEngineViewTest, TheViewSweepNeverTakesATokenABatchIsWaitingFor) {
  EngineHarness h;
  h.config().pinterest.requests_per_minute = 60;  // one a second: PATCHes queue for budget
  h.config().pinterest.max_records_per_request = 1;
  h.config().pinterest.view_sweep_interval = minutes(1);
  AddLists(h.pinterest(), 3);
  h.Start();
  // 150 one-record PATCHes take about 150 s at 60/min: the view sweep falls due meanwhile.
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 150)));
  auto out = h.Run(1, 100000, milliseconds(100));
  ASSERT_EQ(out.size(), 1u);
  const auto& started = h.transport().started();
  size_t last_patch = 0;
  for (size_t i = 0; i < started.size(); ++i) {
    if (IsPatch(started[i])) last_patch = i;
  }
  size_t gets_before_last_patch = 0;
  for (size_t i = 0; i < last_patch; ++i) gets_before_last_patch += IsGet(started[i]) ? 1 : 0;
  EXPECT_EQ(gets_before_last_patch, 2u) << "only the batch's own look-ups went while it waited";
  EXPECT_EQ(Requests(h, "view_lists"), 0);
  // Once the batch is done, the overdue sweep takes the spare budget.
  h.Turns(100, milliseconds(100));
  EXPECT_EQ(Requests(h, "view_lists"), 1);
  EXPECT_EQ(Requests(h, "view_audiences"), 1);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members.size(), 150u);
}

TEST(DeliveryEngineViewTest, TheViewShowsWhatPinterestSaysAndItsGaugesFollow) {
  EngineHarness h;
  h.config().pinterest.view_sweep_interval = minutes(10);
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 60)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  h.Turns(200);  // the view's export runs once a second
  auto view = h.engine().PinterestView();
  ASSERT_EQ(view.size(), 1u);
  const std::string list_id = h.pinterest().FindList("111", "vip-EMAIL")->id;
  EXPECT_EQ(view[0].key, (aggregate::ListKey{"111", "vip", ListType::kEmail}));
  EXPECT_EQ(view[0].list_name, "vip-EMAIL");
  EXPECT_EQ(view[0].list_id, list_id);
  // Created just now: the fake's create answer carries no counters, the sweep has not run yet.
  EXPECT_EQ(view[0].num_uploaded_user_records, -1);

  // 50 more members (110 uploaded), then 5 leave: 105 members, READY at the next sweep.
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(60, 50)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, {}, Records(0, 5)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  const uint64_t version = h.engine().view_version();
  h.Turns(10 * 60 + 5, seconds(1));
  EXPECT_GT(h.engine().view_version(), version);
  view = h.engine().PinterestView();
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].list_status, "READY");
  EXPECT_EQ(view[0].num_uploaded_user_records, 110);
  EXPECT_EQ(view[0].num_removed_user_records, 5);
  EXPECT_EQ(view[0].audience_status, "READY");
  EXPECT_EQ(view[0].audience_size, 105);
  EXPECT_FALSE(view[0].audience_id.empty());
  ASSERT_TRUE(view[0].read_at);
  EXPECT_FALSE(view[0].full);

  const std::map<std::string, std::string> labels{{"audience", "vip"}, {"list_type", "EMAIL"}};
  auto with_status = [&labels](const std::string& status) {
    auto l = labels;
    l["status"] = status;
    return l;
  };
  EXPECT_EQ(h.stats().view.list_uploaded.Add(labels).Value(), 110);
  EXPECT_EQ(h.stats().view.list_removed.Add(labels).Value(), 5);
  EXPECT_EQ(h.stats().view.audience_size.Add(labels).Value(), 105);
  EXPECT_EQ(h.stats().view.list_status.Add(with_status("READY")).Value(), 1);
  EXPECT_EQ(h.stats().view.audience_status.Add(with_status("READY")).Value(), 1);
  EXPECT_EQ(h.stats().view.list_full.Add(labels).Value(), 0);
  EXPECT_LE(h.stats().view.view_age_seconds.Value(), 10 * 60);
}

TEST(DeliveryEngineViewTest, AtTheCapAddsAreRefusedAndRemovesStillGo) {
  EngineHarness h;
  AddLists(h.pinterest(), 1);
  FakePinterest::List* list = h.pinterest().FindList("111", "vip-EMAIL");
  for (const auto& r : Records(0, 20)) list->members.insert(r.id.Hex());
  list->uploaded = kCustomerListRecordCap + 20;  // as if 300 M records had been uploaded
  list->removed = 0;
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(100, 30), Records(0, 5)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  const DeliveryOutcome& outcome = out[0].first;
  EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(outcome.reason, "list_full");
  EXPECT_EQ(Hexes(outcome.refused_list_full), Hexes(Records(100, 30)));
  EXPECT_TRUE(outcome.rejected.empty());
  EXPECT_EQ(h.CountLog("PATCH"), 1u) << "the REMOVE only";
  EXPECT_EQ(list->members.size(), 15u);
  EXPECT_EQ(list->uploaded, kCustomerListRecordCap + 20) << "no ADD reached Pinterest";
  h.Turns(200);
  EXPECT_EQ(h.stats().view.list_full.Add({{"audience", "vip"}, {"list_type", "EMAIL"}}).Value(), 1);
  auto view = h.engine().PinterestView();
  ASSERT_EQ(view.size(), 1u);
  EXPECT_TRUE(view[0].full);

  // Removes made room (Pinterest's counters say so at the next read): ADDs go again.
  list->removed = 1000;
  h.Turns(10 * 60 + 5, seconds(1));
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(100, 30)));
  out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].first.refused_list_full.empty());
  EXPECT_EQ(list->members.size(), 45u);
}

}  // namespace
}  // namespace pinsync::pinterest
