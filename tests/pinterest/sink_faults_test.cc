// PinterestBatchSink against the sandbox's faults: rate limits, 5xx and dropped connections,
// expiring tokens and refresh-token rotation, a forbidden ad account.

#include <sys/stat.h>

#include <fstream>

#include "pinsync/pinterest/token_store.h"
#include "pinterest/sink_fixture.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers

class SinkFaultsTest : public SinkFixture {};

config::Config RefreshFlow(config::Config c) {
  c.pinterest.access_token.clear();
  c.pinterest.app_id = "app";
  c.pinterest.app_secret = "secret";
  c.pinterest.refresh_token = "pinr.initial";
  return c;
}

TEST_F(SinkFaultsTest, TheBucketKeepsUnderTheServersLimit) {
  // Client: 600/min = 10/s with a 30-request burst; in any aligned second it sends at most 40.
  // The sandbox allows 40 per second per account: a client without a bucket, sending 80
  // requests as fast as 8 connections allow, would be refused many times.
  sandbox::SandboxOptions options;
  options.faults.rate_limit_per_second = 40;
  StartSandbox(options);
  config::Config config = Config();
  config.pinterest.requests_per_minute = 600;
  config.pinterest.max_records_per_request = 10;
  BatchSink& sink = NewSink(config);
  auto adds = Records(0, 800);
  sink.Submit(MakeBatch(1, "111", "bucket", ListType::kEmail, adds));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  auto requests = sandbox_->Requests();
  EXPECT_EQ(requests.by_status["429"], 0);
  EXPECT_GE(requests.total, 80);
  auto lists = sandbox_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].members, SortedHexes(Hexes(adds)));
}

TEST_F(SinkFaultsTest, RetriesThrough429And5xxAndDropsToTheRightMembership) {
  sandbox::SandboxOptions options;
  options.faults.rate_limit_per_second = 3;  // far below what the client is configured for
  options.faults.error_rate = 0.2;
  options.faults.drop_rate = 0.1;
  options.faults.seed = 3;
  StartSandbox(options);
  config::Config config = Config();
  config.pinterest.max_records_per_request = 200;
  config.pinterest.retry_max_duration = std::chrono::seconds(120);  // slow sanitizer builds
  BatchSink& sink = NewSink(config);
  std::set<std::string> expected_a, expected_b;
  auto a1 = Records(0, 1000), b1 = Records(5000, 600);
  sink.Submit(MakeBatch(1, "111", "a", ListType::kEmail, a1));
  sink.Submit(MakeBatch(2, "111", "b", ListType::kMaid, b1));
  auto a_removes = std::vector<aggregate::BatchRecord>(a1.begin() + 200, a1.begin() + 700);
  auto a2 = Records(9000, 300);
  sink.Submit(MakeBatch(3, "111", "a", ListType::kEmail, a2, a_removes));
  // Many lists of one account starting together: more requests at once than the server's
  // per-second limit, so some get 429 before the X-RateLimit headers slow the bucket down.
  for (int i = 0; i < 6; ++i) {
    sink.Submit(MakeBatch(10 + i, "111", "small" + std::to_string(i), ListType::kEmail,
                          Records(20000 + 10 * i, 10)));
  }
  auto out = Drain(sink, 9);
  // Batch 3 may have been merged into batch 1 (if it had not started yet): 8 or 9 outcomes.
  ASSERT_EQ(Settled(out), 9u);
  for (const auto& [outcome, batch] : out) {
    EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged) << outcome.detail;
  }
  expected_a = Hexes(a1);
  for (const auto& r : a_removes) expected_a.erase(r.id.Hex());
  for (const auto& r : a2) expected_a.insert(r.id.Hex());
  auto lists = sandbox_->Lists();
  const auto* a = FindList(lists, "111", "a-EMAIL");
  const auto* b = FindList(lists, "111", "b-MAID");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->members, SortedHexes(expected_a));
  EXPECT_EQ(b->members, SortedHexes(Hexes(b1)));
  EXPECT_EQ(b->list_type, "MAID");
  for (int i = 0; i < 6; ++i) {
    const auto* small = FindList(lists, "111", "small" + std::to_string(i) + "-EMAIL");
    ASSERT_NE(small, nullptr);
    EXPECT_EQ(small->members, SortedHexes(Hexes(Records(20000 + 10 * i, 10))));
  }
  auto requests = sandbox_->Requests();
  EXPECT_GT(requests.by_status["429"], 0);
  EXPECT_GT(requests.by_status["500"] + requests.by_status["503"], 0);
  EXPECT_GT(requests.by_status["dropped"] + requests.by_status["dropped_mid_response"], 0);
}

TEST_F(SinkFaultsTest, ExpiredTokenIsRefreshedAndDeliveryCompletes) {
  sandbox::SandboxOptions options;
  options.faults.expire_token_after = 5;
  StartSandbox(options);
  config::Config config = RefreshFlow(Config());
  config.pinterest.max_records_per_request = 100;
  BatchSink& sink = NewSink(config);
  auto adds = Records(0, 1500);
  sink.Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged) << out[0].first.detail;
  // 1 initial refresh + one per 5 requests (~18 requests): several refreshes, each after a 401.
  EXPECT_GE(sandbox_->TokenRefreshes(), 3);
  EXPECT_GT(sandbox_->Requests().by_status["401"], 0);
  auto lists = sandbox_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].members, SortedHexes(Hexes(adds)));
}

TEST_F(SinkFaultsTest, StaticTokenRefusedHoldsTheData) {
  sandbox::SandboxOptions options;
  options.required_token = "the-right-token";
  StartSandbox(options);
  BatchSink& sink = NewSink(Config());  // sends "test-token"
  sink.Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 10)));
  EXPECT_TRUE(Drain(sink, 1, std::chrono::milliseconds(500)).empty());
  EXPECT_EQ(sink.PendingRecords(), 10u);
  // One refusal, then only probes (one per retry_max_backoff of 200 ms).
  EXPECT_GE(sandbox_->Requests().by_status["401"], 1);
  EXPECT_LE(sandbox_->Requests().by_status["401"], 1 + 500 / 200 + 2);
}

TEST_F(SinkFaultsTest, RotatedRefreshTokenIsPersistedAndUsedAfterARestart) {
  sandbox::SandboxOptions options;
  options.rotate_refresh_tokens = true;
  StartSandbox(options);
  config::Config config = RefreshFlow(Config());
  config.pinterest.token_store = TempDir() + "/refresh_token";
  {
    BatchSink& sink = NewSink(config);
    sink.Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 10)));
    auto out = Drain(sink, 1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
    sink.Stop();
  }
  auto stored = ReadTokenStore(config.pinterest.token_store);
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_NE(stored->value(), "pinr.initial");
  struct stat st {};
  ASSERT_EQ(stat(config.pinterest.token_store.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(sandbox_->TokenRefreshes(), 1);

  // A restart with the same configuration: "pinr.initial" is superseded (the sandbox refuses it),
  // so only the stored token can work.
  BatchSink& restarted = NewSink(config);
  restarted.Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(10, 10)));
  auto out = Drain(restarted, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(sandbox_->TokenRefreshes(), 2);
  EXPECT_EQ(sandbox_->Requests().by_status["400"], 0);  // the old token was never sent
  auto again = ReadTokenStore(config.pinterest.token_store);
  ASSERT_TRUE(again && again->has_value());
  EXPECT_NE(again->value(), stored->value());  // rotated once more, and stored
  auto lists = sandbox_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].member_count, 20u);
}

TEST_F(SinkFaultsTest, ForbiddenAccountIsHeldWhileAnotherCompletes) {
  sandbox::SandboxOptions options;
  options.faults.forbid_account = "222";
  StartSandbox(options);
  BatchSink& sink = NewSink(Config());
  auto held = Records(0, 30);
  auto fine = Records(100, 30);
  sink.Submit(MakeBatch(1, "222", "vip", ListType::kEmail, held));
  sink.Submit(MakeBatch(2, "111", "vip", ListType::kEmail, fine));
  auto out = Drain(sink, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 2u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  // The forbidden account's batch stays pending: neither failed nor acknowledged.
  EXPECT_TRUE(Drain(sink, 1, std::chrono::milliseconds(500)).empty());
  EXPECT_EQ(sink.PendingRecords(), held.size());
  auto lists = sandbox_->Lists();
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].ad_account_id, "111");
  EXPECT_EQ(lists[0].members, SortedHexes(Hexes(fine)));
  // Held means probing now and then, not hammering: at most one request per retry_max_backoff.
  EXPECT_LE(sandbox_->Requests().by_status["403"], 1 + 600 / 200 + 2);
}

}  // namespace
}  // namespace pinsync::pinterest
