// DeliveryEngine against a fake Pinterest: resolving, creating and updating lists, in order.

#include "pinsync/pinterest/delivery_engine.h"

#include <gtest/gtest.h>

#include "pinsync/pinterest/api_json.h"
#include "pinterest/engine_harness.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(DeliveryEngineTest, CreatesListWithFirstChunkThenAudienceThenTheRest) {
  EngineHarness h;
  h.Start();
  auto adds = Records(0, 4000);
  h.engine().Submit(MakeBatch(1, "111", "VIP shoppers", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_TRUE(out[0].first.rejected.empty());
  EXPECT_EQ(out[0].second.adds.size(), 4000u);  // the batch comes back whole

  auto* list = h.pinterest().FindList("111", "VIP shoppers-EMAIL");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->list_type, "EMAIL");
  EXPECT_EQ(list->members, Hexes(adds));
  ASSERT_EQ(h.pinterest().audiences["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().audiences["111"][0].list_id, list->id);
  EXPECT_EQ(h.pinterest().audiences["111"][0].name, "VIP shoppers-EMAIL");
  const auto& log = h.pinterest().log;
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0], "GET /ad_accounts/111/customer_lists");
  EXPECT_EQ(log[1], "POST /ad_accounts/111/customer_lists");
  EXPECT_EQ(h.CountLog("POST /ad_accounts/111/customer_lists"), 1u);
  EXPECT_EQ(h.CountLog("PATCH /ad_accounts/111/customer_lists/" + list->id), 2u);  // 1900 + 200
  // The create carried exactly the first 1900 records.
  const auto& create = h.transport().started()[1];
  rapidjson::Document body;
  body.Parse(create.body.c_str());
  std::string records = body["records"].GetString();
  EXPECT_EQ(std::count(records.begin(), records.end(), ','), 1899);
  EXPECT_EQ(h.engine().ResolvedListId({"111", "VIP shoppers", ListType::kEmail}), list->id);
}

TEST(DeliveryEngineTest, FindsAnExistingListAcrossPagesAndNeverCreatesIt) {
  EngineHarness h;
  for (int i = 0; i < 600; ++i) h.pinterest().AddList("111", "other-" + std::to_string(i));
  std::string id = h.pinterest().AddList("111", "vip-EMAIL");
  for (int i = 0; i < 20; ++i) h.pinterest().AddList("111", "later-" + std::to_string(i));
  auto removes = Records(100, 5);
  for (const auto& r : removes)
    h.pinterest().FindList("111", "vip-EMAIL")->members.insert(r.id.Hex());
  h.Start();
  auto adds = Records(0, 10);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds, removes));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/customer_lists"), 3u);  // 250 + 250 + 101
  EXPECT_EQ(h.CountLog("POST /ad_accounts/111/customer_lists"), 0u);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, Hexes(adds));
  EXPECT_EQ(h.pinterest().lists["111"].size(), 621u);
  // An audience for the found list was looked up, then created.
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/audiences"), 1u);
  ASSERT_EQ(h.pinterest().audiences["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().audiences["111"][0].list_id, id);
  // Every page asked for 250 items.
  EXPECT_NE(h.transport().started()[0].url.find("page_size=250"), std::string::npos);
  EXPECT_NE(h.transport().started()[1].url.find("bookmark=250"), std::string::npos);
}

TEST(DeliveryEngineTest, ReusesAnExistingAudience) {
  EngineHarness h;
  std::string id = h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().audiences["111"].push_back({"77", "mine", id});
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  EXPECT_EQ(h.pinterest().audiences["111"].size(), 1u);
  EXPECT_EQ(h.CountLog("POST /ad_accounts/111/audiences"), 0u);
}

TEST(DeliveryEngineTest, BatchesOfOneListGoInOrderAndReuseTheResolvedId) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  // Hold the ADD's answer for 20 turns; the next batch's REMOVE must not start meanwhile.
  int polls = 0;
  bool add_answered = false;
  auto is_add = [](const HttpRequest& r) {
    return r.method == HttpMethod::kPatch && r.body.find("\"ADD\"") != std::string::npos;
  };
  h.pinterest().hold = [&](const HttpRequest& r) {
    if (!is_add(r)) return false;
    if (polls < 20) return true;
    add_answered = true;
    return false;
  };
  h.Start();
  auto x = Records(0, 1);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, x));
  // Batch 2 arrives once batch 1 has started (before that it would be merged into it).
  h.engine().Pump();
  h.transport().Poll(milliseconds(0));
  h.engine().Pump();
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, {}, x));
  Outcomes out;
  bool remove_overtook = false;
  for (; polls < 1000 && out.size() < 2; ++polls) {
    h.engine().Pump();
    for (const auto& r : h.transport().started()) {
      if (r.body.find("\"REMOVE\"") != std::string::npos && !add_answered) remove_overtook = true;
    }
    h.transport().Poll(milliseconds(0));
    for (auto& f : h.engine().TakeFinished()) out.push_back(std::move(f));
    h.clock().Advance(milliseconds(10));
  }
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first.batch_id, 1u);
  EXPECT_EQ(out[1].first.batch_id, 2u);
  EXPECT_FALSE(remove_overtook);
  EXPECT_TRUE(add_answered);
  EXPECT_TRUE(h.pinterest().FindList("111", "vip-EMAIL")->members.empty());
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/customer_lists"), 1u);  // resolved once
}

TEST(DeliveryEngineTest, RemovesForAListThatDoesNotExistAreANoOp) {
  EngineHarness h;
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kMaid, {}, Records(0, 5)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_TRUE(h.pinterest().lists["111"].empty());
  EXPECT_EQ(h.CountLog("POST"), 0u);
  EXPECT_EQ(h.CountLog("PATCH"), 0u);
}

TEST(DeliveryEngineTest, EmptyBatchIsAcknowledgedWithoutRequests) {
  EngineHarness h;
  h.Start();
  h.engine().Submit(MakeBatch(5, "111", "vip", ListType::kEmail, {}));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_TRUE(h.transport().started().empty());
}

}  // namespace
}  // namespace pinsync::pinterest
