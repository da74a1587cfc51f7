// The status page in a real browser: a running connector syncs a few audiences into the sandbox,
// headless Chromium loads GET / and the test checks the rendered DOM for every audience row and
// its figures against /status.json, /metrics and the sandbox's lists, and saves a screenshot
// (<build>/artifacts/status-page.png). Skipped only where Chromium is not installed.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "e2e/e2e_fixture.h"
#include "metrics/http_get.h"
#include "pinsync/pinterest/list_naming.h"

namespace pinsync::e2e {
namespace {

namespace fs = std::filesystem;

std::string FindChromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(path)) return path;
  }
  return {};
}

// Runs a command (bounded by coreutils' timeout) and returns its standard output.
std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

// The rendered <tr> of one audience and list type, or empty.
std::string RowOf(const std::string& dom, const std::string& audience, const std::string& type) {
  const std::string marker = "data-audience=\"" + audience + "\" data-list-type=\"" + type + "\"";
  const size_t at = dom.find(marker);
  if (at == std::string::npos) return {};
  return dom.substr(at, dom.find("</tr>", at) - at);
}

// The text of the cell with class `cls` in a rendered row.
std::string CellText(const std::string& row, const std::string& cls) {
  const size_t at = row.find("class=\"" + cls + "\"");
  const size_t num = row.find("class=\"num " + cls + "\"");
  const size_t start = row.find('>', std::min(at, num));
  if (start == std::string::npos) return {};
  return row.substr(start + 1, row.find("</td>", start) - start - 1);
}

class StatusPageBrowserTest : public E2eTest {};

TEST_F(StatusPageBrowserTest, ChromiumShowsEveryAudienceWithTheFiguresOfJsonMetricsAndSandbox) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (Debian package `chromium`, in "
                    "scripts/install-deps.sh --all): the status page browser test needs it";
  }
  ASSERT_NO_FATAL_FAILURE(StartWorld(2));
  const std::string group = "status-page";
  config::Config cfg = BaseConfig(group);

  // vip: 6 emails added, one removed again later, one invalid; churn: 3 emails; devices: 2 MAIDs.
  std::vector<std::pair<std::string, std::string>> messages;
  for (int i = 0; i < 6; ++i) {
    messages.emplace_back(
        "v" + std::to_string(i),
        EventJson("vip", "VIP", "add", "{\"email\":\"vip" + std::to_string(i) + "@example.com\"}"));
  }
  messages.emplace_back("bad", EventJson("vip", "VIP", "add", "{\"email\":\"not-an-email\"}"));
  for (int i = 0; i < 3; ++i) {
    messages.emplace_back("c" + std::to_string(i),
                          EventJson("churn", "Churn risk", "add",
                                    "{\"email\":\"churn" + std::to_string(i) + "@example.com\"}"));
  }
  messages.emplace_back("d0", EventJson("devices", "Devices", "add",
                                        "{\"idfa\":\"6D92078A-8246-4BA4-AE5B-76104861E7DC\"}"));
  messages.emplace_back("d1", EventJson("devices", "Devices", "add",
                                        "{\"idfa\":\"7E92078A-8246-4BA4-AE5B-76104861E7DC\"}"));
  ASSERT_NO_FATAL_FAILURE(ProduceAll(messages));

  auto connector = RunningConnector::Start(cfg, /*serve_metrics=*/true);
  ASSERT_NE(connector, nullptr);
  ASSERT_NE(connector->metrics_port(), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(connector->metrics_port());
  ASSERT_TRUE(WaitCaughtUp(group, 90s)) << CommitGap(group);

  // The snapshot is published about once a second: wait for the settled figures.
  rapidjson::Document status;
  const bool settled = WaitFor(
      [&] {
        auto json = metrics::testing::HttpGet(base + "/status.json");
        if (json.status != 200 || status.Parse(json.body.c_str()).HasParseError()) return false;
        if (!status["ready"].GetBool() || status["lists"].Size() != 3) return false;
        for (const auto& row : status["lists"].GetArray()) {
          if (row["pending"].GetUint64() != 0 || row["last_sync_unix"].IsNull()) return false;
        }
        return true;
      },
      30s, 250ms);
  ASSERT_TRUE(settled) << metrics::testing::HttpGet(base + "/status.json").body;
  EXPECT_EQ(metrics::testing::HttpGet(base + "/readyz").status, 200);
  const std::string scrape = metrics::testing::HttpGet(base + "/metrics").body;

  const std::string profile = TempDir();
  const std::string flags = " --headless --disable-gpu --no-sandbox --user-data-dir=" + profile;
  const std::string dom =
      Capture("timeout 60 " + chromium + flags + " --dump-dom " + base + "/ 2>/dev/null");
  ASSERT_NE(dom.find("<table id=\"audiences\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("id=\"readiness\" class=\"ready\""), std::string::npos);

  struct Expected {
    std::string audience, audience_name, list_type;
    uint64_t added;
  };
  for (const Expected& e :
       {Expected{"vip", "VIP", "EMAIL", 6}, Expected{"churn", "Churn risk", "EMAIL", 3},
        Expected{"devices", "Devices", "MAID", 2}}) {
    SCOPED_TRACE(e.audience);
    const rapidjson::Value* row = nullptr;
    for (const auto& r : status["lists"].GetArray()) {
      if (r["audience"].GetString() == e.audience) row = &r;
    }
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(std::string((*row)["list_type"].GetString()), e.list_type);
    EXPECT_EQ((*row)["synced_added"].GetUint64(), e.added);
    EXPECT_EQ((*row)["changes_added"].GetUint64(), e.added);
    EXPECT_EQ((*row)["errored"].GetUint64(), 0u);

    const std::string rendered = RowOf(dom, e.audience, e.list_type);
    ASSERT_FALSE(rendered.empty()) << "no row for " << e.audience << " in the DOM";
    EXPECT_EQ(CellText(rendered, "synced"), std::to_string(e.added) + " / 0");
    EXPECT_EQ(CellText(rendered, "pending"), "0");
    EXPECT_EQ(CellText(rendered, "not-synced"), std::to_string((*row)["not_synced"].GetUint64()));
    EXPECT_NE(CellText(rendered, "last-sync"), "never");

    const std::string sample = "pinsync_audience_records_synced_total{audience=\"" + e.audience +
                               "\",list_type=\"" + e.list_type + "\",op=\"add\"} " +
                               std::to_string(e.added);
    EXPECT_NE(scrape.find(sample), std::string::npos) << sample;

    aggregate::ListKey key{kAccount, e.audience,
                           e.list_type == "EMAIL" ? ListType::kEmail : ListType::kMaid};
    const auto target = pinterest::ResolveListTarget(cfg, key, e.audience_name);
    auto list = FindList(target.list_name);
    ASSERT_TRUE(list) << target.list_name;
    EXPECT_EQ(list->member_count, e.added) << "the sandbox holds what the page says was synced";
  }
  // The invalid email: not synced, on the vip rows, in /status.json and in /metrics.
  EXPECT_EQ(CellText(RowOf(dom, "vip", "EMAIL"), "not-synced"), "1");
  EXPECT_NE(scrape.find("pinsync_audience_records_not_synced_total{audience=\"vip\",reason="
                        "\"invalid_email\"} 1"),
            std::string::npos);
  EXPECT_EQ(dom.find("@example.com"), std::string::npos) << "no identifier on the page";

  // The screenshot, kept as a test artifact (docs/images/status-page.png is a copy of one).
  const fs::path artifacts = fs::path(PINSYNC_BINARY_DIR) / "artifacts";
  fs::create_directories(artifacts);
  const fs::path shot = artifacts / "status-page.png";
  fs::remove(shot);
  Capture("timeout 60 " + chromium + flags + " --hide-scrollbars --window-size=1400,900" +
          " --screenshot=" + shot.string() + " " + base + "/ 2>/dev/null");
  ASSERT_TRUE(fs::exists(shot)) << "chromium saved no screenshot";
  EXPECT_GT(fs::file_size(shot), 10'000u);

  EXPECT_TRUE(connector->Stop());
}

}  // namespace
}  // namespace pinsync::e2e
