// The status page and /status.json rendered from a StatusSnapshot, and the readiness rules.

#include "pinsync/metrics/status_page.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace pinsync::metrics {
namespace {

AudienceListStatus Row(std::string audience, uint64_t pending, double age,
                       std::optional<double> last_sync) {
  AudienceListStatus row;
  row.audience = std::move(audience);
  row.list_type = "EMAIL";
  row.pending = pending;
  row.oldest_pending_age_seconds = age;
  row.last_sync_unix = last_sync;
  return row;
}

StatusSnapshot Snapshot() {
  StatusSnapshot s;
  s.version = "1.2.3";
  s.uptime_seconds = 3700;
  s.joined = true;
  s.assigned_partitions = 6;
  s.consumer_lag = 42;
  s.token_state = "accepted";
  s.credentials_accepted = true;
  s.accounts = {{"549755885175", 300, false}};
  s.lists = {Row("fresh", 0, 0, 1'700'000'100), Row("stale", 5, 900, 1'700'000'000),
             Row("older", 0, 0, 1'700'000'000), Row("never", 0, 0, std::nullopt),
             Row("stalest", 2, 3600, std::nullopt)};
  s.lists[1].errored = 3;
  s.lists[1].errored_by_reason = {{"rejected", 2}, {"list_full", 1}};
  s.lists[1].list_id = "2542620615";
  s.lists[1].audience_size = 1200;
  return s;
}

std::vector<std::string> Audiences(const std::vector<AudienceListStatus>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) out.push_back(row.audience);
  return out;
}

TEST(StatusPageTest, StalestFirstPutsOldestPendingThenNeverSyncedThenOldestSync) {
  EXPECT_EQ(Audiences(StalestFirst(Snapshot().lists)),
            (std::vector<std::string>{"stalest", "stale", "never", "older", "fresh"}));
}

TEST(StatusPageTest, HtmlEscapeCoversEveryCharacterThatCouldOpenMarkup) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(StatusPageTest, PageIsSelfContainedRefreshesItselfAndShowsEveryRowInOrder) {
  const std::string html = RenderStatusPage(Snapshot(), {true, "ready"});
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\""), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos) << "no external assets";
  EXPECT_EQ(html.find("href=\"http"), std::string::npos) << "no external assets";
  EXPECT_EQ(html.find("<link"), std::string::npos);
  size_t last = 0;
  for (const char* audience : {"stalest", "stale", "never", "older", "fresh"}) {
    const size_t at = html.find(std::string("data-audience=\"") + audience + "\"");
    ASSERT_NE(at, std::string::npos) << audience;
    EXPECT_GT(at, last) << audience << " out of order";
    last = at;
  }
  EXPECT_NE(html.find("2542620615"), std::string::npos);
  EXPECT_NE(html.find("list_full: 1, rejected: 2"), std::string::npos);
  EXPECT_NE(html.find("id=\"lag\">42<"), std::string::npos);
  EXPECT_NE(html.find("549755885175"), std::string::npos);
}

TEST(StatusPageTest, EverySnapshotStringIsEscapedOnThePage) {
  StatusSnapshot s = Snapshot();
  s.version = "<b>v</b>";
  s.lists[0].audience = "\"><img src=x onerror=alert(1)>";
  s.lists[0].list_status = "<i>";
  const std::string html = RenderStatusPage(s, {false, "<why>"});
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>v"), std::string::npos);
  EXPECT_EQ(html.find("<why>"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
}

TEST(StatusPageTest, JsonCarriesTheSameFigures) {
  const std::string json = RenderStatusJson(Snapshot(), {true, "ready"});
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  EXPECT_EQ(std::string(doc["version"].GetString()), "1.2.3");
  EXPECT_TRUE(doc["ready"].GetBool());
  EXPECT_EQ(doc["assigned_partitions"].GetUint64(), 6u);
  EXPECT_EQ(doc["consumer_lag"].GetDouble(), 42);
  const auto& lists = doc["lists"];
  ASSERT_EQ(lists.Size(), 5u);
  EXPECT_EQ(std::string(lists[0]["audience"].GetString()), "stalest");
  EXPECT_TRUE(lists[0]["last_sync_unix"].IsNull());
  const auto& stale = lists[1];
  EXPECT_EQ(stale["pending"].GetUint64(), 5u);
  EXPECT_EQ(stale["oldest_pending_age_seconds"].GetDouble(), 900);
  EXPECT_EQ(stale["errored_by_reason"]["list_full"].GetUint64(), 1u);
  EXPECT_EQ(stale["audience_size"].GetInt64(), 1200);
  EXPECT_EQ(std::string(stale["list_id"].GetString()), "2542620615");
}

TEST(ReadinessTest, ReadyOnlyWhenJoinedAcceptedNotAllHeldAndNotStopping) {
  StatusSnapshot s = Snapshot();
  EXPECT_TRUE(EvaluateReadiness(&s, false).ready);
  EXPECT_FALSE(EvaluateReadiness(&s, true).ready);
  EXPECT_FALSE(EvaluateReadiness(nullptr, false).ready);
  s.joined = false;
  EXPECT_FALSE(EvaluateReadiness(&s, false).ready);
  s.joined = true;
  s.credentials_accepted = false;
  EXPECT_NE(EvaluateReadiness(&s, false).reason.find("credentials"), std::string::npos);
  s.credentials_accepted = true;
  s.accounts = {{"1", 300, true}, {"2", 300, false}};
  EXPECT_TRUE(EvaluateReadiness(&s, false).ready) << "one account still flowing";
  s.accounts[1].held = true;
  EXPECT_NE(EvaluateReadiness(&s, false).reason.find("every ad account"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::metrics
