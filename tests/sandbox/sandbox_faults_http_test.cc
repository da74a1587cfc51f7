// Every fault over loopback: rate limit, 500/503, latency, drops, token expiry, 403, and setting
// them at run time through /_sandbox/faults.
#include <chrono>

#include "sandbox/sandbox_fixture.h"

namespace pinsync::sandbox {
namespace {

using testing::Sha256Hex;

class SandboxFaultsTest : public testing::SandboxFixture {
 protected:
  httplib::Result SetFaultsOverHttp(const std::string& json) {
    return client_->Post("/_sandbox/faults", json, "application/json");
  }
};

TEST_F(SandboxFaultsTest, RateLimitAnswers429WithRetryAfterAndRateHeaders) {
  FaultSpec faults;
  faults.rate_limit_per_second = 3;
  server_->SetFaults(faults);
  for (int i = 0; i < 3; ++i) {
    auto res = Get(ListsPath());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("X-RateLimit-Limit"), "3");
    EXPECT_EQ(res->get_header_value("X-RateLimit-Remaining"), std::to_string(2 - i));
  }
  clock_.Advance(std::chrono::milliseconds(300));
  auto limited = Get(ListsPath());
  ExpectError(limited, 429);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "1");
  EXPECT_EQ(limited->get_header_value("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(limited->get_header_value("X-RateLimit-Reset"), "1");
  // Per account: another account is not limited.
  auto other = Get(ListsPath("456"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  // The next window admits again.
  clock_.Advance(std::chrono::milliseconds(700));
  auto next = Get(ListsPath());
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(server_->Requests().by_status["429"], 1);
}

TEST_F(SandboxFaultsTest, AnswersBeforeAdmissionCarryRateHeadersWithoutCounting) {
  FaultSpec faults;
  faults.rate_limit_per_minute = 10;
  faults.forbid_account = "666";
  server_->SetFaults(faults);
  auto unauthorized = client_->Get(ListsPath().c_str());
  ExpectError(unauthorized, 401);
  ASSERT_TRUE(unauthorized);
  EXPECT_EQ(unauthorized->get_header_value("X-RateLimit-Limit"), "10");
  EXPECT_EQ(unauthorized->get_header_value("X-RateLimit-Remaining"), "10");
  auto forbidden = Get(ListsPath("666"));
  ExpectError(forbidden, 403);
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->get_header_value("X-RateLimit-Remaining"), "10");
  auto ok = Get(ListsPath());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->get_header_value("X-RateLimit-Remaining"), "9");
}

TEST_F(SandboxFaultsTest, ErrorRateAnswers500Or503InTheErrorShape) {
  FaultSpec faults;
  faults.error_rate = 1.0;
  server_->SetFaults(faults);
  int internal = 0, unavailable = 0;
  for (int i = 0; i < 20; ++i) {
    auto res = PostJson(ListsPath(), CreateListBody("l", Sha256Hex(i)));
    ASSERT_TRUE(res);
    ExpectError(res, res->status);
    internal += res->status == 500;
    unavailable += res->status == 503;
  }
  EXPECT_EQ(internal + unavailable, 20);
  EXPECT_GT(internal, 0);
  EXPECT_GT(unavailable, 0);
  EXPECT_TRUE(server_->Lists().empty());  // failed requests change nothing
}

TEST_F(SandboxFaultsTest, LatencyDelaysAnswers) {
  FaultSpec faults;
  faults.latency_ms = 60;
  server_->SetFaults(faults);
  const auto start = std::chrono::steady_clock::now();
  auto res = Get(ListsPath());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // A lower bound only: the server sleeps at least this long (no upper, timing-sensitive bound).
  EXPECT_GE(elapsed, std::chrono::milliseconds(60));
}

TEST_F(SandboxFaultsTest, DroppedConnectionsGetNoResponseAndChangeNothing) {
  FaultSpec faults;
  faults.drop_rate = 1.0;
  server_->SetFaults(faults);
  auto res = PostJson(ListsPath(), CreateListBody("l", Sha256Hex(1)));
  EXPECT_FALSE(res);  // connection closed without a status line
  EXPECT_TRUE(server_->Lists().empty());
  EXPECT_EQ(server_->Requests().by_status["dropped"], 1);
  // The control endpoints are never dropped, and clearing the fault restores service.
  auto cleared = SetFaultsOverHttp("{}");
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->status, 200);
  auto ok = PostJson(ListsPath(), CreateListBody("l", Sha256Hex(1)));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(SandboxFaultsTest, PartialDropRateDropsSomeAndServesTheRest) {
  FaultSpec faults;
  faults.drop_rate = 0.5;
  faults.seed = 3;
  server_->SetFaults(faults);
  int dropped = 0, served = 0;
  for (int i = 0; i < 30; ++i) {
    auto res = Get(ListsPath());
    if (res) {
      EXPECT_EQ(res->status, 200);
      ++served;
    } else {
      ++dropped;
    }
  }
  EXPECT_GT(dropped, 0);
  EXPECT_GT(served, 0);
  EXPECT_EQ(server_->Requests().by_status["dropped"], dropped);
}

TEST_F(SandboxFaultsTest, TokenExpiresAfterNRequestsUntilRefreshed) {
  FaultSpec faults;
  faults.expire_token_after = 2;
  server_->SetFaults(faults);
  for (int i = 0; i < 2; ++i) {
    auto res = Get(ListsPath());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  ExpectError(Get(ListsPath()), 401);
  auto refreshed = RefreshToken("refresh");
  ASSERT_TRUE(refreshed);
  ASSERT_EQ(refreshed->status, 200);
  const std::string token = Json(refreshed->body)["access_token"].GetString();
  auto res = Get(ListsPath(), token);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ExpectError(Get(ListsPath()), 401);  // the old token stays expired
}

TEST_F(SandboxFaultsTest, ForbiddenAccountGets403OthersCarryOn) {
  FaultSpec faults;
  faults.forbid_account = "666";
  server_->SetFaults(faults);
  ExpectError(Get(ListsPath("666")), 403);
  ExpectError(PostJson(ListsPath("666"), CreateListBody("l", Sha256Hex(1))), 403);
  auto other = PostJson(ListsPath("123"), CreateListBody("l", Sha256Hex(1)));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_F(SandboxFaultsTest, FaultsAreSetAndReadAtRunTime) {
  auto set = SetFaultsOverHttp(R"({"rate_limit_per_minute": 400, "error_rate": 0.25, "seed": 9})");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  auto got = client_->Get("/_sandbox/faults");
  ASSERT_TRUE(got);
  auto doc = Json(got->body);
  EXPECT_EQ(doc["rate_limit_per_minute"].GetInt(), 400);
  EXPECT_DOUBLE_EQ(doc["error_rate"].GetDouble(), 0.25);
  EXPECT_EQ(server_->Faults().seed, 9u);
  ExpectError(SetFaultsOverHttp(R"({"error_rate": 2})"), 400);
  ExpectError(SetFaultsOverHttp(R"({"typo": 1})"), 400);
  EXPECT_EQ(server_->Faults().rate_limit_per_minute, 400);  // a rejected spec changes nothing
}

class SandboxStartupFaultsTest : public testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxOptions options;
    options.faults.forbid_account = "9";
    options.rotate_refresh_tokens = true;
    StartSandbox(options);
  }
};

TEST_F(SandboxStartupFaultsTest, FaultsFromOptionsApplyFromTheStart) {
  ExpectError(Get(ListsPath("9")), 403);
}

TEST_F(SandboxStartupFaultsTest, RotationIssuesANewRefreshTokenAndSupersedesTheOld) {
  auto first = RefreshToken("initial");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  auto doc = Json(first->body);
  ASSERT_TRUE(doc.HasMember("refresh_token"));
  EXPECT_GT(doc["refresh_token_expires_in"].GetInt64(), 0);
  const std::string rotated = doc["refresh_token"].GetString();
  ExpectError(RefreshToken("initial"), 400);
  auto second = RefreshToken(rotated);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
}

}  // namespace
}  // namespace pinsync::sandbox
