// /readyz, / and /status.json on a running MetricsServer, fed by a StatusBoard.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <string>

#include "metrics/http_get.h"
#include "pinsync/metrics/metrics_server.h"
#include "pinsync/metrics/status_board.h"

namespace pinsync::metrics {
namespace {

using testing::HttpGet;

StatusSnapshot ReadySnapshot() {
  StatusSnapshot s;
  s.version = "9.9.9";
  s.joined = true;
  s.assigned_partitions = 4;
  s.credentials_accepted = true;
  s.accounts = {{"549755885175", 600, false}};
  AudienceListStatus row;
  row.audience = "vip<script>";
  row.list_type = "EMAIL";
  row.pending = 3;
  row.oldest_pending_age_seconds = 12;
  s.lists = {row};
  return s;
}

class ReadinessHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = MetricsServer::Start("127.0.0.1:0", nullptr, board_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server).value();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::shared_ptr<StatusBoard> board_ = std::make_shared<StatusBoard>();
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(ReadinessHttpTest, ReadyzIs503WithAReasonUntilReadyAndAgainWhileShuttingDown) {
  auto starting = HttpGet(Url(MetricsServer::kReadyPath));
  EXPECT_EQ(starting.status, 503) << starting.error;
  EXPECT_NE(starting.body.find("starting"), std::string::npos) << starting.body;
  EXPECT_EQ(HttpGet(Url(MetricsServer::kHealthPath)).status, 200) << "alive all the same";

  StatusSnapshot not_joined = ReadySnapshot();
  not_joined.joined = false;
  board_->Publish(not_joined);
  auto waiting = HttpGet(Url(MetricsServer::kReadyPath));
  EXPECT_EQ(waiting.status, 503);
  EXPECT_NE(waiting.body.find("consumer group"), std::string::npos) << waiting.body;

  board_->Publish(ReadySnapshot());
  auto ready = HttpGet(Url(MetricsServer::kReadyPath));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");

  board_->SetShuttingDown(true);
  auto stopping = HttpGet(Url(MetricsServer::kReadyPath));
  EXPECT_EQ(stopping.status, 503);
  EXPECT_EQ(stopping.body, "shutting down\n");
}

TEST_F(ReadinessHttpTest, StatusPageAndJsonServeThePublishedSnapshotEscaped) {
  board_->Publish(ReadySnapshot());
  auto page = HttpGet(Url(MetricsServer::kStatusPath));
  ASSERT_EQ(page.status, 200) << page.error;
  EXPECT_NE(page.content_type.find("text/html"), std::string::npos) << page.content_type;
  EXPECT_NE(page.body.find("vip&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(page.body.find("vip<script>"), std::string::npos) << "escaped";

  auto json = HttpGet(Url(MetricsServer::kStatusJsonPath));
  ASSERT_EQ(json.status, 200) << json.error;
  EXPECT_NE(json.content_type.find("application/json"), std::string::npos);
  EXPECT_NE(json.body.find("\"audience\":\"vip<script>\""), std::string::npos) << json.body;
  EXPECT_NE(json.body.find("\"ready\":true"), std::string::npos) << json.body;

  EXPECT_EQ(HttpGet(Url("/status.json/more")).status, 404) << "exact paths only";
}

}  // namespace
}  // namespace pinsync::metrics
