// Several members' AccessTokenSources in the refresh-token flow against an OAuth endpoint that
// rotates refresh tokens (a refresh supersedes the token it used, and a superseded token is
// refused, as Pinterest's continuous refresh tokens): with one lineage for the group, exactly one
// member refreshes per expiry and nobody ever presents a spent refresh token; without it, the
// members spend one another's tokens.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <set>
#include <vector>

#include "pinsync/pinterest/access_token_source.h"
#include "pinterest/fake_transport.h"
#include "pinterest/in_memory_list_registry.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;

// The OAuth endpoint: one valid refresh token at a time; access tokens live `lifetime`.
struct RotatingOAuth {
  std::string valid_refresh = "r0";
  std::set<std::string> spent;
  int refreshes = 0;
  int refused = 0;

  std::optional<HttpResponse> operator()(const HttpRequest& request) {
    HttpResponse r;
    const auto at = request.body.find("refresh_token=");
    const std::string presented =
        at == std::string::npos
            ? ""
            : request.body.substr(at + 14, request.body.find('&', at) - at - 14);
    if (presented != valid_refresh) {
      ++refused;
      r.status = 400;
      r.body = R"({"code":400,"message":"refresh token superseded"})";
      return r;
    }
    spent.insert(valid_refresh);
    ++refreshes;
    valid_refresh = "r" + std::to_string(refreshes);
    r.status = 200;
    r.body = R"({"access_token":"a)" + std::to_string(refreshes) + R"(","refresh_token":")" +
             valid_refresh + R"(","token_type":"bearer","expires_in":100,"scope":"ads:write"})";
    return r;
  }
};

config::PinterestConfig RefreshConfig() {
  config::PinterestConfig c;
  c.api_base_url = "http://fake.test/v5";
  c.app_id = "app";
  c.app_secret = "secret";
  c.refresh_token = "r0";
  c.retry_initial_backoff = milliseconds(100);
  c.retry_max_backoff = milliseconds(1000);
  return c;
}

struct LineageMember {
  LineageMember(RotatingOAuth& oauth, CredentialLineage* lineage, ManualClock& clock)
      : transport([&oauth](const HttpRequest& r) { return oauth(r); }) {
    auto created = AccessTokenSource::Create(config, clock, transport, stats, 7, lineage);
    EXPECT_TRUE(created) << created.error().message;
    source = std::move(*created);
  }
  config::PinterestConfig config = RefreshConfig();
  FakeTransport transport;
  prometheus::Registry registry;
  PinterestStats stats = PinterestStats::Create(registry);
  std::unique_ptr<AccessTokenSource> source;
};

// Runs every member for `duration` of simulated time; counts turns where a member had no token.
int RunMembers(std::vector<std::unique_ptr<LineageMember>>& members, ManualClock& clock,
               Duration duration) {
  int without_token = 0;
  for (Duration t{}; t < duration; t += milliseconds(50)) {
    for (auto& m : members) {
      m->source->Pump();
      m->transport.Poll(milliseconds(0));
      if (clock.Now() > SteadyTime{} + seconds(5) && m->source->Current() == nullptr) {
        ++without_token;
      }
    }
    clock.Advance(milliseconds(50));
  }
  return without_token;
}

TEST(CredentialLineageTest, OneMemberRefreshesPerExpiryAndNoneSpendsAnothersToken) {
  ManualClock clock;
  RotatingOAuth oauth;
  SharedRegistryLog log;
  std::vector<SharedCredentials> published;
  std::vector<std::unique_ptr<InMemoryCredentialLineage>> lineages;
  std::vector<std::unique_ptr<LineageMember>> members;
  for (int m = 0; m < 3; ++m) {
    lineages.push_back(std::make_unique<InMemoryCredentialLineage>("m" + std::to_string(m), log,
                                                                   published, clock));
    members.push_back(std::make_unique<LineageMember>(oauth, lineages.back().get(), clock));
  }
  // 100 s tokens refreshed at 80 %: 10 minutes is about 7 expiries.
  const int without_token = RunMembers(members, clock, seconds(600));
  EXPECT_EQ(oauth.refused, 0) << "a member presented a superseded refresh token";
  EXPECT_GE(oauth.refreshes, 7);
  EXPECT_LE(oauth.refreshes, 9) << "one refresh per expiry for the whole group";
  EXPECT_EQ(published.size(), static_cast<size_t>(oauth.refreshes));
  for (size_t i = 0; i < published.size(); ++i) EXPECT_EQ(published[i].generation, i + 1);
  EXPECT_EQ(without_token, 0) << "members refresh ahead of expiry";
  for (auto& m : members) {
    ASSERT_NE(m->source->Current(), nullptr);
    EXPECT_EQ(*m->source->Current(), "a" + std::to_string(oauth.refreshes));
  }
  // A member that starts now (a restart, or all of them) begins from the newest generation.
  lineages.push_back(std::make_unique<InMemoryCredentialLineage>("late", log, published, clock));
  members.push_back(std::make_unique<LineageMember>(oauth, lineages.back().get(), clock));
  RunMembers(members, clock, seconds(200));
  EXPECT_EQ(oauth.refused, 0) << "the restarted member presented the configured, spent token";
}

TEST(CredentialLineageTest, WithoutALineageMembersSpendOneAnothersRefreshTokens) {
  ManualClock clock;
  RotatingOAuth oauth;
  std::vector<std::unique_ptr<LineageMember>> members;
  for (int m = 0; m < 3; ++m)
    members.push_back(std::make_unique<LineageMember>(oauth, nullptr, clock));
  RunMembers(members, clock, seconds(300));
  EXPECT_GT(oauth.refused, 0);
}

}  // namespace
}  // namespace pinsync::pinterest
