// deploy/grafana/pinsync-dashboard.json: valid Grafana JSON whose every query reads metrics the
// code exports, covering what SREs watch.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>
#include <string>

#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

class GrafanaDashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = ReadFile(SourceDir() / "deploy" / "grafana" / "pinsync-dashboard.json");
    ASSERT_FALSE(text_.empty()) << "deploy/grafana/pinsync-dashboard.json is missing";
    doc_.Parse(text_.c_str());
    ASSERT_FALSE(doc_.HasParseError()) << "invalid JSON at offset " << doc_.GetErrorOffset() << ": "
                                       << rapidjson::GetParseError_En(doc_.GetParseError());
    ASSERT_TRUE(doc_.IsObject());
  }

  // Every panel, rows' nested panels included.
  std::vector<const rapidjson::Value*> Panels() const {
    std::vector<const rapidjson::Value*> out;
    if (!doc_.HasMember("panels") || !doc_["panels"].IsArray()) return out;
    for (const auto& panel : doc_["panels"].GetArray()) {
      out.push_back(&panel);
      if (panel.HasMember("panels") && panel["panels"].IsArray()) {
        for (const auto& inner : panel["panels"].GetArray()) out.push_back(&inner);
      }
    }
    return out;
  }
  std::vector<std::string> Expressions() const {
    std::vector<std::string> out;
    for (const auto* panel : Panels()) {
      if (!panel->HasMember("targets")) continue;
      for (const auto& target : (*panel)["targets"].GetArray()) {
        if (target.HasMember("expr") && target["expr"].IsString())
          out.emplace_back(target["expr"].GetString());
      }
    }
    return out;
  }

  std::string text_;
  rapidjson::Document doc_;
};

TEST_F(GrafanaDashboardTest, IsAnImportableDashboard) {
  ASSERT_TRUE(doc_.HasMember("title") && doc_["title"].IsString());
  ASSERT_TRUE(doc_.HasMember("uid") && doc_["uid"].IsString());
  EXPECT_EQ(std::string(doc_["uid"].GetString()), "pinsync");
  ASSERT_TRUE(doc_.HasMember("schemaVersion") && doc_["schemaVersion"].IsInt());
  EXPECT_FALSE(doc_.HasMember("id") && !doc_["id"].IsNull()) << "a fixed id breaks imports";
  // The Prometheus data source is a variable, so the dashboard imports into any Grafana.
  bool datasource_variable = false;
  for (const auto& variable : doc_["templating"]["list"].GetArray()) {
    if (std::string(variable["type"].GetString()) == "datasource") datasource_variable = true;
  }
  EXPECT_TRUE(datasource_variable);

  std::set<int> ids;
  for (const auto* panel : Panels()) {
    ASSERT_TRUE(panel->HasMember("id") && (*panel)["id"].IsInt());
    EXPECT_TRUE(ids.insert((*panel)["id"].GetInt()).second)
        << "duplicate panel id " << (*panel)["id"].GetInt();
    EXPECT_TRUE(panel->HasMember("gridPos")) << "panel " << (*panel)["id"].GetInt();
    EXPECT_TRUE(panel->HasMember("title")) << "panel " << (*panel)["id"].GetInt();
  }
  EXPECT_GE(ids.size(), 12u);
}

TEST_F(GrafanaDashboardTest, EveryQueriedMetricIsExportedByTheCode) {
  const std::set<std::string> exported = MetricNamesKnown();
  ASSERT_FALSE(exported.empty());
  const auto expressions = Expressions();
  ASSERT_GE(expressions.size(), 12u);
  for (const std::string& expr : expressions) {
    const auto names = MetricNamesInExpression(expr, exported);
    EXPECT_FALSE(names.empty()) << "query reads no pinsync metric: " << expr;
    for (const std::string& name : names) {
      EXPECT_TRUE(exported.contains(name)) << name << " in \"" << expr << "\" is not exported";
    }
  }
}

TEST_F(GrafanaDashboardTest, ShowsWhatOperatorsWatch) {
  std::set<std::string> queried;
  for (const std::string& expr : Expressions()) {
    for (const std::string& name : MetricNamesInExpression(expr, MetricNamesInCode()))
      queried.insert(name);
  }
  for (const char* metric :
       {"pinsync_kafka_messages_consumed_total", "pinsync_kafka_consumer_lag_messages",
        "pinsync_pinterest_requests_total", "pinsync_pinterest_rate_limited_total",
        "pinsync_pinterest_retries_total", "pinsync_pinterest_batch_latency_seconds",
        "pinsync_pinterest_token_refreshes_total", "pinsync_pinterest_account_blocked",
        "pinsync_kafka_dead_letters_total", "pinsync_events_rejected_total",
        "pinsync_aggregator_buffered_records", "pinsync_connector_in_flight_records",
        "pinsync_aggregator_batches_flushed_total", "pinsync_connector_batch_records",
        "pinsync_connector_ack_latency_seconds", "pinsync_connector_dead_letters_total",
        "pinsync_connector_paused_partitions"}) {
    EXPECT_TRUE(queried.contains(metric)) << metric << " is on no panel";
  }
}

TEST_F(GrafanaDashboardTest, AudienceVariableFiltersAPerAudienceRow) {
  const rapidjson::Value* audience = nullptr;
  for (const auto& variable : doc_["templating"]["list"].GetArray()) {
    if (std::string(variable["name"].GetString()) == "audience") audience = &variable;
  }
  ASSERT_NE(audience, nullptr) << "no audience template variable";
  EXPECT_STREQ((*audience)["definition"].GetString(),
               "label_values(pinsync_audience_changes_total, audience)");
  EXPECT_TRUE((*audience)["includeAll"].GetBool());
  EXPECT_STREQ((*audience)["allValue"].GetString(), ".*");

  // The panels after the "Audiences" row, up to the next row.
  std::set<std::string> queried;
  bool in_row = false;
  int panels = 0;
  for (const auto& panel : doc_["panels"].GetArray()) {
    if (std::string(panel["type"].GetString()) == "row") {
      in_row = std::string(panel["title"].GetString()) == "Audiences";
      continue;
    }
    if (!in_row) continue;
    ++panels;
    for (const auto& target : panel["targets"].GetArray()) {
      const std::string expr = target["expr"].GetString();
      const auto names = MetricNamesInExpression(expr, MetricNamesKnown());
      queried.insert(names.begin(), names.end());
      const bool per_audience = std::any_of(names.begin(), names.end(), [](const std::string& n) {
        return n.starts_with("pinsync_audience_records") ||
               n.starts_with("pinsync_audience_oldest") ||
               n.starts_with("pinsync_audience_changes") ||
               n.starts_with("pinsync_audience_last") || n.starts_with("pinsync_pinterest_list_") ||
               n.starts_with("pinsync_pinterest_audience_");
      });
      if (per_audience) {
        EXPECT_NE(expr.find("audience=~\"$audience\""), std::string::npos)
            << "a per-audience query ignores the audience variable: " << expr;
      }
    }
  }
  EXPECT_GE(panels, 6) << "no per-audience row";
  for (const char* metric :
       {"pinsync_audience_oldest_pending_age_seconds", "pinsync_audience_records_pending",
        "pinsync_audience_records_synced_total", "pinsync_pinterest_audience_size",
        "pinsync_audience_records_errored_total", "pinsync_pinterest_list_status",
        "pinsync_pinterest_list_uploaded_records"}) {
    EXPECT_TRUE(queried.contains(metric)) << metric << " is not in the Audiences row";
  }
}

}  // namespace
}  // namespace pinsync::deploy_test
