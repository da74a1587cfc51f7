// PinterestBatchSink against the in-process sandbox: create, find, update, pagination, chunking,
// bisection, restart, stop.

#include <httplib.h>

#include "pinterest/sink_fixture.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers

class SinkRoundTripTest : public SinkFixture {
 protected:
  void SetUp() override { StartSandbox(); }
};

TEST_F(SinkRoundTripTest, CreateFindUpdateAndRestartNeverCreatesTwice) {
  config::Config config = Config();
  std::set<std::string> expected;
  {
    BatchSink& sink = NewSink(config);
    auto adds = Records(0, 4000);
    sink.Submit(MakeBatch(1, "111", "VIP shoppers", ListType::kEmail, adds));
    EXPECT_EQ(sink.PendingRecords(), 4000u);
    auto first = Drain(sink, 1);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].first.status, DeliveryStatus::kAcknowledged) << first[0].first.detail;
    EXPECT_EQ(sink.PendingRecords(), 0u);
    expected = Hexes(adds);

    // A second batch: removes some members, adds new ones.
    auto removes = std::vector<aggregate::BatchRecord>(adds.begin(), adds.begin() + 1000);
    auto more = Records(10000, 500);
    sink.Submit(MakeBatch(2, "111", "VIP shoppers", ListType::kEmail, more, removes));
    auto second = Drain(sink, 1);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].first.status, DeliveryStatus::kAcknowledged);
    for (const auto& r : removes) expected.erase(r.id.Hex());
    for (const auto& r : more) expected.insert(r.id.Hex());
  }
  auto lists = sandbox_->Lists();
  const auto* list = FindList(lists, "111", "VIP shoppers-EMAIL");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->list_type, "EMAIL");
  EXPECT_EQ(list->members, SortedHexes(expected));
  auto audiences = sandbox_->Audiences();
  ASSERT_EQ(audiences.size(), 1u);
  EXPECT_EQ(audiences[0].audience_type, "CUSTOMER_LIST");
  EXPECT_EQ(audiences[0].customer_list_id, list->id);
  EXPECT_EQ(audiences[0].name, "VIP shoppers-EMAIL");

  // A restart (a new sink, an empty cache) finds the list by name.
  sinks_.back()->Stop();
  BatchSink& restarted = NewSink(config);
  auto late = Records(20000, 10);
  restarted.Submit(MakeBatch(3, "111", "VIP shoppers", ListType::kEmail, late));
  auto third = Drain(restarted, 1);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].first.status, DeliveryStatus::kAcknowledged);
  for (const auto& r : late) expected.insert(r.id.Hex());
  lists = sandbox_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].members, SortedHexes(expected));
  EXPECT_EQ(sandbox_->Audiences().size(), 1u);
  auto requests = sandbox_->Requests();
  EXPECT_EQ(requests.by_operation["customer_lists/create"], 1);
  EXPECT_EQ(requests.by_operation["audiences/create"], 1);
}

TEST_F(SinkRoundTripTest, FindsAListBeyondTheFirstPage) {
  // 300 lists made by someone else, then ours: it sits on the second page of 250.
  httplib::Client client("127.0.0.1", sandbox_->port());
  httplib::Headers auth = {{"Authorization", "Bearer t"}};
  const std::string one = IdFor(1).Hex();
  for (int i = 0; i < 300; ++i) {
    auto r = client.Post("/v5/ad_accounts/111/customer_lists", auth,
                         R"({"name":"other )" + std::to_string(i) + R"(","records":")" + one +
                             R"(","list_type":"EMAIL"})",
                         "application/json");
    ASSERT_TRUE(r && r->status == 200);
  }
  auto r = client.Post("/v5/ad_accounts/111/customer_lists", auth,
                       R"({"name":"churn-MAID","records":")" + one + R"(","list_type":"MAID"})",
                       "application/json");
  ASSERT_TRUE(r && r->status == 200);

  BatchSink& sink = NewSink(Config());
  auto adds = Records(100, 20);
  sink.Submit(MakeBatch(1, "111", "churn", ListType::kMaid, adds));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  auto lists = sandbox_->Lists();
  EXPECT_EQ(lists.size(), 301u);
  const auto* list = FindList(lists, "111", "churn-MAID");
  ASSERT_NE(list, nullptr);
  auto expected = Hexes(adds);
  expected.insert(one);
  EXPECT_EQ(list->members, SortedHexes(expected));
  auto requests = sandbox_->Requests();
  EXPECT_EQ(requests.by_operation["customer_lists/list"], 2);
  EXPECT_EQ(requests.by_operation["customer_lists/create"], 301);  // ours was never created
}

TEST_F(SinkRoundTripTest, ChunkBoundaries) {
  BatchSink& sink = NewSink(Config());
  // New lists: the first chunk creates the list, the rest are updates (num_batches counts both).
  sink.Submit(MakeBatch(1, "111", "a1899", ListType::kEmail, Records(0, 1899)));
  sink.Submit(MakeBatch(2, "111", "a1900", ListType::kEmail, Records(0, 1900)));
  sink.Submit(MakeBatch(3, "111", "a1901", ListType::kEmail, Records(0, 1901)));
  sink.Submit(MakeBatch(4, "111", "a3801", ListType::kEmail, Records(0, 3801)));
  auto out = Drain(sink, 4);
  ASSERT_EQ(out.size(), 4u);
  for (const auto& [outcome, batch] : out) {
    EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
  }
  auto lists = sandbox_->Lists();
  auto batches = [&](const std::string& name) {
    const auto* l = FindList(lists, "111", name);
    return l ? l->num_batches : -1;
  };
  EXPECT_EQ(batches("a1899-EMAIL"), 1);
  EXPECT_EQ(batches("a1900-EMAIL"), 1);
  EXPECT_EQ(batches("a1901-EMAIL"), 2);
  EXPECT_EQ(batches("a3801-EMAIL"), 3);
  EXPECT_EQ(FindList(lists, "111", "a3801-EMAIL")->member_count, 3801u);
}

TEST_F(SinkRoundTripTest, ByteCapSplitsRequests) {
  config::Config config = Config();
  config.pinterest.max_request_bytes = 10 * 1024;  // ~150 SHA-256 records per body
  BatchSink& sink = NewSink(config);
  sink.Submit(MakeBatch(1, "111", "bytes", ListType::kEmail, Records(0, 1000)));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  auto lists = sandbox_->Lists();
  const auto* l = FindList(lists, "111", "bytes-EMAIL");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->member_count, 1000u);
  // ceil(1000 * 65 / (10240 - overhead)) = 7 bodies.
  EXPECT_EQ(l->num_batches, 7);
}

TEST_F(SinkRoundTripTest, BisectionIsolatesAMalformedRecord) {
  BatchSink& sink = NewSink(Config());
  sink.Submit(MakeBatch(1, "111", "bisect", ListType::kEmail, Records(0, 10)));  // create first
  ASSERT_EQ(Drain(sink, 1).size(), 1u);
  auto adds = Records(100, 100);
  adds[63].id = IdFor(5, 10);  // 20 hex characters: no hash has that length; Pinterest says 400
  sink.Submit(MakeBatch(2, "111", "bisect", ListType::kEmail, adds));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(out[0].first.rejected.size(), 1u);
  EXPECT_EQ(out[0].first.rejected[0].id, adds[63].id);
  EXPECT_EQ(out[0].first.reason, "http_400");
  auto expected = Hexes(Records(0, 10));
  for (size_t i = 0; i < adds.size(); ++i) {
    if (i != 63) expected.insert(adds[i].id.Hex());
  }
  auto lists = sandbox_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].members, SortedHexes(expected));
  EXPECT_LE(sandbox_->Requests().by_status["400"], 14);
}

TEST_F(SinkRoundTripTest, RemovesOnlyForAMissingListSendNothing) {
  BatchSink& sink = NewSink(Config());
  sink.Submit(MakeBatch(1, "111", "ghost", ListType::kMaid, {}, Records(0, 50)));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_TRUE(sandbox_->Lists().empty());
  auto requests = sandbox_->Requests();
  EXPECT_EQ(requests.by_operation["customer_lists/create"], 0);
  EXPECT_EQ(requests.by_operation["customer_lists/update"], 0);
}

TEST_F(SinkRoundTripTest, StopReturnsWithRequestsInFlight) {
  sandbox::FaultSpec slow;
  slow.latency_ms = 3000;
  sandbox_->SetFaults(slow);
  BatchSink& sink = NewSink(Config());
  sink.Submit(MakeBatch(1, "111", "slow", ListType::kEmail, Records(0, 10)));
  // Let the first request leave, then stop: the sink abandons it and joins its thread.
  auto none = Drain(sink, 1, std::chrono::milliseconds(200));
  EXPECT_TRUE(none.empty());
  const auto before = std::chrono::steady_clock::now();
  sink.Stop();
  // Bounded by one loop tick, not by the 3 s answer (a generous bound, not a benchmark).
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(2500));
  sink.Submit(MakeBatch(2, "111", "slow", ListType::kEmail, Records(0, 1)));  // ignored
  EXPECT_TRUE(sink.DrainOutcomes().empty());
}

// The connector's shutdown and revocation wait on this instead of polling every few ms.
TEST_F(SinkRoundTripTest, AwaitOutcomesWakesForAnOutcomeAndForStop) {
  BatchSink& sink = NewSink(Config());
  // Nothing submitted: the wait runs out and says so.
  EXPECT_FALSE(sink.AwaitOutcomes(std::chrono::milliseconds(50)));

  sink.Submit(MakeBatch(1, "111", "VIP shoppers", ListType::kEmail, Records(0, 10)));
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(sink.AwaitOutcomes(std::chrono::minutes(2)));
  // Woken by the acknowledgement, not by the timeout (a generous bound, not a benchmark).
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(60));
  auto outcomes = sink.DrainOutcomes();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].first.status, DeliveryStatus::kAcknowledged) << outcomes[0].first.detail;
  EXPECT_FALSE(sink.AwaitOutcomes(std::chrono::milliseconds(10)));  // drained: nothing ready

  // A stopped sink never produces outcomes: the wait ends at once instead of running out.
  sink.Stop();
  const auto stopped_at = std::chrono::steady_clock::now();
  EXPECT_FALSE(sink.AwaitOutcomes(std::chrono::minutes(2)));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, std::chrono::seconds(60));
}

TEST_F(SinkRoundTripTest, RefusesAnUnusableConfiguration) {
  config::Config config = Config();
  config.pinterest.api_base_url = "ftp://example.com/v5";
  auto bad_url = MakePinterestBatchSink(config, SystemClock::Instance(), nullptr);
  ASSERT_FALSE(bad_url.ok());
  EXPECT_NE(bad_url.error().message.find("pinterest.api_base_url"), std::string::npos);

  config = Config();
  config.pinterest.access_token.clear();
  auto no_credentials = MakePinterestBatchSink(config, SystemClock::Instance(), nullptr);
  ASSERT_FALSE(no_credentials.ok());
  EXPECT_NE(no_credentials.error().message.find("PINTEREST_ACCESS_TOKEN"), std::string::npos);

  config = Config();
  config.pinterest.refresh_token = "pinr.secret-refresh";
  auto no_app = MakePinterestBatchSink(config, SystemClock::Instance(), nullptr);
  ASSERT_FALSE(no_app.ok());
  EXPECT_NE(no_app.error().message.find("pinterest.app_id"), std::string::npos);
  EXPECT_EQ(no_app.error().message.find("pinr.secret-refresh"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::pinterest
