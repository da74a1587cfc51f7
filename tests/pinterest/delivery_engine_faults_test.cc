// DeliveryEngine against a fake Pinterest: error answers, limits, holds and tokens.

#include "pinsync/pinterest/delivery_engine.h"

#include <gtest/gtest.h>

#include "pinsync/pinterest/api_json.h"
#include "pinterest/engine_harness.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(DeliveryEngineTest, BisectionIsolatesOneBadRecordInAnUpdate) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  auto adds = Records(0, 100);
  h.pinterest().bad_records.insert(adds[37].id.Hex());
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(out[0].first.rejected.size(), 1u);
  EXPECT_EQ(out[0].first.rejected[0].id, adds[37].id);
  EXPECT_EQ(out[0].first.reason, "http_400");
  auto expected = Hexes(adds);
  expected.erase(adds[37].id.Hex());
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, expected);
  // log2(100) rounds of halving, not one request per record.
  EXPECT_LE(h.CountLog("PATCH"), 16u);
  EXPECT_EQ(h.stats().records_rejected.Value(), 1.0);
}

TEST(DeliveryEngineTest, BisectionOnCreateStillCreatesTheListOnce) {
  EngineHarness h;
  auto adds = Records(0, 50);
  h.pinterest().bad_records.insert(adds[0].id.Hex());
  h.pinterest().bad_records.insert(adds[49].id.Hex());
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(out[0].first.rejected.size(), 2u);
  ASSERT_EQ(h.pinterest().lists["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().lists["111"][0].members.size(), 48u);
}

TEST(DeliveryEngineTest, RateLimitedHonoursRetryAfterForTheAccount) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  std::vector<SteadyTime> patch_times;
  bool limited = false;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method != HttpMethod::kPatch) return std::nullopt;
    patch_times.push_back(h.clock().Now());
    if (!limited) {
      limited = true;
      return Answer(429, R"({"code":429,"message":"slow down"})", {{"retry-after", "3"}});
    }
    return std::nullopt;
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 10)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(patch_times.size(), 2u);
  EXPECT_GE(patch_times[1] - patch_times[0], Duration(seconds(3)));
  EXPECT_EQ(h.stats().rate_limited.Value(), 1.0);
}

TEST(DeliveryEngineTest, ALostCreateAnswerNeverLeavesTwoLists) {
  config::Config config = FakeConfig();
  config.pinterest.request_timeout = std::chrono::milliseconds(5000);
  config.pinterest.retry_max_duration = std::chrono::milliseconds(60000);
  EngineHarness h(config);
  // The first create reaches Pinterest, but its answer is lost (a timeout).
  bool lost = false;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == HttpMethod::kPost && r.url.ends_with("/customer_lists") && !lost) {
      lost = true;
      (void)h.pinterest()(r);  // applied...
      HttpResponse timeout;    // ...but the client sees a timeout
      timeout.error = TransportError::kTimeout;
      return timeout;
    }
    return std::nullopt;
  };
  h.Start();
  auto adds = Records(0, 10);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(h.pinterest().lists["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().lists["111"][0].members, Hexes(adds));
  EXPECT_EQ(h.pinterest().audiences["111"].size(), 1u);
}

TEST(DeliveryEngineTest, ALostCreateIsLookedUpAgainOnlyAfterARequestTimeout) {
  // Pinterest may execute a create after the client gave up on it: the look-up by name waits a
  // request timeout, so a create that lands late is found rather than made twice.
  config::Config config = FakeConfig();
  config.pinterest.request_timeout = std::chrono::milliseconds(5000);
  config.pinterest.retry_max_duration = std::chrono::milliseconds(60000);
  EngineHarness h(config);
  std::optional<HttpRequest> lost;
  SteadyTime lost_at{};
  bool landed = false;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == HttpMethod::kPost && r.url.ends_with("/customer_lists") && !lost) {
      lost = r;
      lost_at = h.clock().Now();
      return Dropped();  // the connection broke at once; Pinterest has the request
    }
    return std::nullopt;
  };
  h.Start();
  auto adds = Records(0, 10);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  Outcomes out;
  // Runs until the batch is done and the lost create has landed (a twin would exist by then).
  for (int turn = 0; turn < 20000 && (out.empty() || !landed); ++turn) {
    if (lost && !landed && h.clock().Now() - lost_at >= std::chrono::seconds(3)) {
      landed = true;
      (void)h.pinterest()(*lost);  // executed 3 s after the client saw the connection break
    }
    h.engine().Pump();
    h.transport().Poll(std::chrono::milliseconds(0));
    for (auto& f : h.engine().TakeFinished()) out.push_back(std::move(f));
    h.clock().Advance(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(landed);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged) << out[0].first.detail;
  ASSERT_EQ(h.pinterest().lists["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().lists["111"][0].members, Hexes(adds));
  EXPECT_EQ(h.pinterest().audiences["111"].size(), 1u);
}

TEST(DeliveryEngineTest, ACreateThatReallyFailedIsRetried) {
  EngineHarness h;
  int failures = 0;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == HttpMethod::kPost && failures < 2) {
      ++failures;
      return Answer(503, "{}");
    }
    return std::nullopt;
  };
  h.Start();
  auto adds = Records(0, 4000);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(h.pinterest().lists["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().lists["111"][0].members, Hexes(adds));
  EXPECT_EQ(h.pinterest().audiences["111"].size(), 1u);
}

TEST(DeliveryEngineTest, RetryableErrorsAreRetriedUntilSuccess) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  int failures = 0;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method != HttpMethod::kPatch || failures >= 3) return std::nullopt;
    ++failures;
    if (failures == 1) return Answer(500, "{}");
    if (failures == 2) return Answer(503, "{}");
    return Dropped();
  };
  h.Start();
  auto adds = Records(0, 10);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, Hexes(adds));
  EXPECT_EQ(h.stats().retries.Value(), 3.0);
}

TEST(DeliveryEngineTest, RetriesStopAfterRetryMaxDurationAndTheBatchFails) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().fault = [](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == HttpMethod::kPatch) return Answer(503, "{}");
    return std::nullopt;
  };
  h.Start();
  const SteadyTime start = h.clock().Now();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 10)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kFailed);
  EXPECT_EQ(out[0].first.reason, "retry_exhausted");
  EXPECT_EQ(out[0].second.adds.size(), 10u);
  // Given up close to retry_max_duration (5 s), not before it minus one backoff cap.
  EXPECT_GE(h.clock().Now() - start, Duration(milliseconds(4800)));
  EXPECT_LE(h.clock().Now() - start, Duration(milliseconds(5300)));
}

TEST(DeliveryEngineTest, ForbiddenAccountIsHeldWhileOthersCarryOn) {
  EngineHarness h;
  h.pinterest().fault = [](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.url.find("/ad_accounts/222/") != std::string::npos) {
      return Answer(403, R"({"code":403,"message":"no access"})");
    }
    return std::nullopt;
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "222", "vip", ListType::kEmail, Records(0, 10)));
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(0, 10)));
  auto out = h.Run(2, 3000);  // 30 simulated seconds
  ASSERT_EQ(out.size(), 1u);  // only account 111's batch finished
  EXPECT_EQ(out[0].first.batch_id, 2u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_TRUE(h.engine().AccountHeld("222"));
  EXPECT_FALSE(h.engine().AccountHeld("111"));
  EXPECT_EQ(h.engine().queued_batches(), 1u);  // held, neither failed nor acknowledged
  EXPECT_EQ(h.stats().Blocked("222").Value(), 1.0);
  // While held, only occasional probes reach the account (one per retry_max_backoff).
  EXPECT_LE(h.CountLog("GET /ad_accounts/222"), 0u);  // the fault answered them all
  size_t to_222 = 0;
  for (const auto& r : h.transport().started()) to_222 += r.url.find("/222/") != std::string::npos;
  EXPECT_LE(to_222, 30 * 1000 / 100 + 2u);
  EXPECT_GE(to_222, 2u);
}

TEST(DeliveryEngineTest, ForbiddenAccountResumesWhenAProbeSucceeds) {
  EngineHarness h;
  bool forbidden = true;
  h.pinterest().fault = [&](const HttpRequest&) -> std::optional<HttpResponse> {
    if (forbidden) return Answer(403, "{}");
    return std::nullopt;
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 10)));
  EXPECT_TRUE(h.Run(1, 100).empty());
  EXPECT_TRUE(h.engine().AccountHeld("111"));
  forbidden = false;
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_FALSE(h.engine().AccountHeld("111"));
}

TEST(DeliveryEngineTest, StaticToken401HoldsThatAccountWithoutFailing) {
  EngineHarness h;
  h.pinterest().fault = [](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.url.find("/ad_accounts/222/") != std::string::npos) {
      return Answer(401, R"({"code":401,"message":"bad token"})");
    }
    return std::nullopt;
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "222", "vip", ListType::kEmail, Records(0, 10)));
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(0, 10)));
  auto out = h.Run(2, 500);  // 5 simulated seconds
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 2u);
  EXPECT_TRUE(h.engine().AccountHeld("222"));
  EXPECT_EQ(h.engine().queued_batches(), 1u);  // held: not failed, not acknowledged
  EXPECT_EQ(h.pinterest().refreshes, 0);       // a static token is never refreshed
  EXPECT_EQ(h.stats().Blocked("222").Value(), 1.0);
  size_t to_222 = 0;
  for (const auto& r : h.transport().started()) to_222 += r.url.find("/222/") != std::string::npos;
  EXPECT_LE(to_222, 1u + 5000 / 100 + 1);  // the first refusal, then one probe per backoff cap
}

TEST(DeliveryEngineTest, RefreshFlowGetsATokenFirstAndRefreshesOn401) {
  config::Config c = FakeConfig();
  c.pinterest.access_token.clear();
  c.pinterest.refresh_token = "pinr.initial";
  c.pinterest.app_id = "app";
  c.pinterest.app_secret = "secret";
  EngineHarness h(c);
  h.pinterest().AddList("111", "vip-EMAIL");
  bool expired_once = false;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == HttpMethod::kPatch && !expired_once) {
      expired_once = true;
      return Answer(401, R"({"code":401,"message":"expired"})");
    }
    return std::nullopt;
  };
  h.Start();
  auto adds = Records(0, 10);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(h.pinterest().refreshes, 2);  // once to start, once after the 401
  const auto& first = h.transport().started().front();
  EXPECT_EQ(first.url, std::string(FakePinterest::kBase) + "/oauth/token");
  EXPECT_EQ(first.body, RefreshTokenForm("pinr.initial"));
  bool basic = false, form = false;
  for (const auto& [k, v] : first.headers) {
    basic |= k == "Authorization" && v == "Basic " + Base64("app:secret");
    form |= k == "Content-Type" && v == "application/x-www-form-urlencoded";
  }
  EXPECT_TRUE(basic);
  EXPECT_TRUE(form);
  // The update that succeeded carried the second token.
  const auto& last = h.transport().started().back();
  bool bearer = false;
  for (const auto& [k, v] : last.headers) bearer |= k == "Authorization" && v == "Bearer fresh-2";
  EXPECT_TRUE(bearer);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, Hexes(adds));
}

TEST(DeliveryEngineTest, RefreshesAheadOfExpiry) {
  config::Config c = FakeConfig();
  c.pinterest.access_token.clear();
  c.pinterest.refresh_token = "pinr.initial";
  c.pinterest.app_id = "app";
  c.pinterest.app_secret = "secret";
  EngineHarness h(c);
  h.Start();
  h.Turns(2);  // the first refresh: the fake grants 3600 s
  EXPECT_EQ(h.pinterest().refreshes, 1);
  h.clock().Advance(seconds(2800));  // 78 %
  h.Turns(2);
  EXPECT_EQ(h.pinterest().refreshes, 1);
  h.clock().Advance(seconds(100));  // past 80 %
  h.Turns(2);
  EXPECT_EQ(h.pinterest().refreshes, 2);
}

TEST(DeliveryEngineTest, ConcurrencyLimitIsRespected) {
  config::Config c = FakeConfig();
  c.pinterest.max_concurrent_requests = 2;
  c.pinterest.max_records_per_request = 5;
  EngineHarness h(c);
  h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().AddList("111", "b-EMAIL");
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 50)));
  h.engine().Submit(MakeBatch(2, "111", "b", ListType::kEmail, Records(0, 50)));
  auto out = h.Run(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_LE(h.transport().max_in_flight(), 2u);
  EXPECT_EQ(h.transport().max_in_flight(), 2u);
}

TEST(DeliveryEngineTest, ExistingListIdOverrideSkipsFindAndCreate) {
  config::Config c = FakeConfig();
  EngineHarness h(c);
  std::string id = h.pinterest().AddList("111", "named by a human");
  config::AudienceOverride o;
  o.email_customer_list_id = id;
  h.config().audiences["vip"] = o;
  h.Start();
  auto adds = Records(0, 7);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  ASSERT_EQ(h.Run(1).size(), 1u);
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/customer_lists"), 0u);
  EXPECT_EQ(h.CountLog("POST /ad_accounts/111/customer_lists"), 0u);
  EXPECT_EQ(h.pinterest().FindList("111", "named by a human")->members, Hexes(adds));
}

TEST(DeliveryEngineTest, ADeletedListIsCreatedAgainAndTheBatchDeliveredThere) {
  EngineHarness h;
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  const std::string old_id = h.pinterest().lists["111"].at(0).id;
  h.pinterest().lists["111"].clear();  // deleted in Ads Manager
  h.pinterest().audiences["111"].clear();
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(3, 3), Records(0, 1)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(h.pinterest().lists["111"].size(), 1u);
  EXPECT_NE(h.pinterest().lists["111"][0].id, old_id);
  // The batch's adds are on the new list; what the old list held before is not re-sent.
  EXPECT_EQ(h.pinterest().lists["111"][0].members, Hexes(Records(3, 3)));
  ASSERT_EQ(h.pinterest().audiences["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().audiences["111"][0].list_id, h.pinterest().lists["111"][0].id);
  EXPECT_EQ(h.stats().lists_recreated.Value(), 1.0);
  // Later batches go to the new list without another look-up.
  const size_t lookups = h.CountLog("GET /ad_accounts/111/customer_lists");
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, Records(6, 3)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  EXPECT_EQ(h.CountLog("GET /ad_accounts/111/customer_lists"), lookups);
  EXPECT_EQ(h.pinterest().lists["111"][0].members, Hexes(Records(3, 6)));
}

TEST(DeliveryEngineTest, ADeletedListRecreatedByHandIsFoundByName) {
  EngineHarness h;
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3)));
  ASSERT_EQ(h.Run(1).size(), 1u);
  h.pinterest().lists["111"].clear();
  const std::string by_hand = h.pinterest().AddList("111", "vip-EMAIL");
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(3, 3)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  ASSERT_EQ(h.pinterest().lists["111"].size(), 1u);
  EXPECT_EQ(h.pinterest().lists["111"][0].id, by_hand);
  EXPECT_EQ(h.pinterest().lists["111"][0].members, Hexes(Records(3, 3)));
  EXPECT_EQ(h.stats().lists_recreated.Value(), 0.0);
}

TEST(DeliveryEngineTest, OtherPermanent4xxFailsTheBatch) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().fault = [](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == HttpMethod::kPatch) return Answer(409, R"({"code":409,"message":"conflict"})");
    return std::nullopt;
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3)));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kFailed);
  EXPECT_EQ(out[0].first.reason, "http_4xx");
  EXPECT_EQ(h.CountLog("PATCH"), 0u);  // the fault answered; no retry went to the model
}

TEST(DeliveryEngineTest, ListsOfOneAccountShareItsBucketFairly) {
  config::Config c = FakeConfig();
  c.pinterest.requests_per_minute = 60;  // 1/s, burst 3
  c.pinterest.max_records_per_request = 1;
  EngineHarness h(c);
  h.pinterest().AddList("111", "a-EMAIL");
  h.pinterest().AddList("111", "z-EMAIL");
  h.pinterest().audiences["111"].push_back(
      {"1", "a", h.pinterest().FindList("111", "a-EMAIL")->id});
  h.pinterest().audiences["111"].push_back(
      {"2", "z", h.pinterest().FindList("111", "z-EMAIL")->id});
  h.Start();
  // A big batch on the first key in map order, a small one on the last: the small one must not
  // wait for all of the big one.
  h.engine().Submit(MakeBatch(1, "111", "a", ListType::kEmail, Records(0, 40)));
  h.engine().Submit(MakeBatch(2, "111", "z", ListType::kEmail, Records(100, 4)));
  auto out = h.Run(1, 20000, milliseconds(50));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 2u);
  EXPECT_LT(h.pinterest().FindList("111", "a-EMAIL")->members.size(), 20u);
}

TEST(DeliveryEngineTest, TheBucketLimitsRequestsPerAccount) {
  config::Config c = FakeConfig();
  c.pinterest.requests_per_minute = 60;  // 1/s, burst 3
  c.pinterest.max_records_per_request = 1;
  EngineHarness h(c);
  h.pinterest().AddList("111", "vip-EMAIL");
  std::vector<SteadyTime> times;
  h.pinterest().fault = [&](const HttpRequest&) -> std::optional<HttpResponse> {
    times.push_back(h.clock().Now());
    return std::nullopt;
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 90)));
  auto out = h.Run(1, 20000, milliseconds(50));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_GE(times.size(), 92u);  // list lookup, audience lookup + create, 90 updates
  for (size_t i = 0; i < times.size(); ++i) {
    size_t in_window = 0;
    for (size_t j = i; j < times.size() && times[j] - times[i] < seconds(60); ++j) ++in_window;
    EXPECT_LE(in_window, 60u + 3u);
  }
}

}  // namespace
}  // namespace pinsync::pinterest
