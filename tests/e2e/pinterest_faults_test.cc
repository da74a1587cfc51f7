// Pinterest faults injected by the sandbox while the connector delivers: 429 storms, a share of
// 5xx answers, latency, dropped connections, and access tokens that expire (refresh-token flow,
// rotating refresh tokens). Each must be retried or recovered from without losing or
// reordering a change: the final state equals the ground truth.
#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

int64_t Count(const std::map<std::string, int64_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

TEST_F(E2eTest, PinterestFaultsRateLimitStormsErrorsLatencyAndDrops) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(4));
  sandbox::FaultSpec faults;
  faults.rate_limit_per_second = 2;
  faults.error_rate = 0.15;
  faults.latency_ms = 20;
  faults.drop_rate = 0.08;
  faults.seed = 77;
  sandbox_->SetFaults(faults);
  // Hundreds of requests of 10 records at 2 a second: every fault happens many times.
  demo::MembershipStream stream(
      {.events = 1000, .audiences = 2, .seed = 31337, .malformed_share = 0.005});
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));

  const std::string group = "e2e-pinterest-faults";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 150;
  // The client's own pacing would stay under the sandbox's limit; allow more so 429s happen.
  cfg.pinterest.requests_per_minute = 6000;
  cfg.pinterest.request_timeout = 5s;
  // Small requests, so there are many of them to fault even when delivery merges the batches
  // that wait (during the start-up handoff delay, or behind a list's batch in flight).
  cfg.pinterest.max_records_per_request = 10;
  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  EXPECT_TRUE(WaitCaughtUp(group, 180s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());
  sandbox_->SetFaults(sandbox::FaultSpec{});

  ExpectFinalState(stream, group);
  EXPECT_EQ(connector->counters().batches_failed, 0u);
  // The faults really happened.
  const auto by_status = sandbox_->Requests().by_status;
  EXPECT_GT(Count(by_status, "429"), 0);
  EXPECT_GT(Count(by_status, "500") + Count(by_status, "503"), 0);
  EXPECT_GT(Count(by_status, "dropped") + Count(by_status, "dropped_mid_response"), 0);
}

TEST_F(E2eTest, PinterestFaultsTokenExpiryRefreshFlow) {
  sandbox::SandboxOptions options;
  options.rotate_refresh_tokens = true;
  ASSERT_NO_FATAL_FAILURE(StartWorld(4, options));
  sandbox::FaultSpec faults;
  faults.latency_ms = 10;
  faults.expire_token_after = 8;
  sandbox_->SetFaults(faults);
  demo::MembershipStream stream(
      {.events = 2000, .audiences = 2, .seed = 2718, .malformed_share = 0.005});
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));

  const std::string group = "e2e-token-expiry";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 100;
  cfg.pinterest.max_records_per_request = 40;  // many requests, so tokens expire several times
  cfg.pinterest.access_token.clear();
  cfg.pinterest.app_id = "1484362";
  cfg.pinterest.app_secret = "e2e-app-secret";
  cfg.pinterest.refresh_token = "pinr.e2e-refresh-token";
  ASSERT_TRUE(cfg.pinterest.UsesRefreshFlow());
  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  EXPECT_TRUE(WaitCaughtUp(group, 180s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());

  ExpectFinalState(stream, group);
  EXPECT_EQ(connector->counters().batches_failed, 0u);
  // Tokens expired and were refreshed, more than once.
  EXPECT_GT(Count(sandbox_->Requests().by_status, "401"), 0);
  EXPECT_GE(sandbox_->TokenRefreshes(), 3);
}

}  // namespace
}  // namespace pinsync::e2e
