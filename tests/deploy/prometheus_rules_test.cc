// deploy/prometheus: promtool accepts the rules, its unit tests pass, every alert is tested and
// documented, and every metric the rules read is one the code exports.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "command.h"
#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

namespace fs = std::filesystem;

fs::path RulesFile() { return SourceDir() / "deploy" / "prometheus" / "pinsync-rules.yml"; }

std::vector<YAML::Node> Rules() {
  std::vector<YAML::Node> rules;
  for (const YAML::Node& group : YAML::LoadFile(RulesFile().string())["groups"]) {
    for (const YAML::Node& rule : group["rules"]) rules.push_back(rule);
  }
  return rules;
}

std::set<std::string> AlertNames() {
  std::set<std::string> names;
  for (const YAML::Node& rule : Rules()) {
    if (rule["alert"]) names.insert(rule["alert"].as<std::string>());
  }
  return names;
}

void RequirePromtool() {
  // promtool comes with Debian's prometheus package (scripts/install-deps.sh): a missing
  // promtool is a broken set-up, not a reason to skip.
  ASSERT_EQ(RunShell("command -v promtool").exit_code, 0)
      << "promtool not found: run scripts/install-deps.sh (Debian package prometheus)";
}

TEST(PrometheusRulesTest, PromtoolAcceptsEveryRulesFile) {
  RequirePromtool();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(SourceDir() / "deploy" / "prometheus")) {
    if (entry.path().extension() != ".yml" && entry.path().extension() != ".yaml") continue;
    ++files;
    CommandResult r = RunShell("promtool check rules " + ShellQuote(entry.path().string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("SUCCESS"), std::string::npos) << r.output;
  }
  EXPECT_GE(files, 1);
}

TEST(PrometheusRulesTest, PromtoolUnitTestsPass) {
  RequirePromtool();
  const fs::path tests = SourceDir() / "tests" / "deploy" / "pinsync-rules.test.yml";
  // promtool resolves rule_files relative to the test file.
  CommandResult r = RunShell("cd " + ShellQuote(tests.parent_path().string()) +
                             " && promtool test rules " + ShellQuote(tests.filename().string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SUCCESS"), std::string::npos) << r.output;
}

TEST(PrometheusRulesTest, EveryAlertHasAFiringUnitTest) {
  const YAML::Node tests =
      YAML::LoadFile((SourceDir() / "tests" / "deploy" / "pinsync-rules.test.yml").string());
  std::set<std::string> fired;
  for (const YAML::Node& test : tests["tests"]) {
    for (const YAML::Node& check : test["alert_rule_test"]) {
      if (check["exp_alerts"].size() > 0) fired.insert(check["alertname"].as<std::string>());
    }
  }
  for (const std::string& alert : AlertNames()) {
    EXPECT_TRUE(fired.contains(alert)) << alert << " has no promtool test where it fires";
  }
}

TEST(PrometheusRulesTest, CoversTheFailuresOperatorsMustHear) {
  const std::set<std::string> alerts = AlertNames();
  for (const char* required :
       {"PinsyncDown", "PinsyncConsumerLagGrowing", "PinsyncNoAcknowledgementsWhileBuffering",
        "PinsyncDeadLetters", "PinsyncPinterestRateLimited", "PinsyncPinterestServerErrors",
        "PinsyncTokenRefreshFailing", "PinsyncTokenRefreshRejected", "PinsyncAdAccountBlocked",
        "PinsyncAudienceRecordsErrored", "PinsyncAudienceStale", "PinsyncAudienceTooSmall",
        "PinsyncCustomerListNearCap", "PinsyncCustomerListFull"}) {
    EXPECT_TRUE(alerts.contains(required)) << required;
  }
}

TEST(PrometheusRulesTest, EveryAlertHasSeverityTextAndARunbookSection) {
  const std::string runbook = ReadFile(SourceDir() / "docs" / "operations.md");
  ASSERT_FALSE(runbook.empty()) << "docs/operations.md is missing";
  for (const YAML::Node& rule : Rules()) {
    if (!rule["alert"]) continue;
    const std::string alert = rule["alert"].as<std::string>();
    const std::string severity = rule["labels"]["severity"].as<std::string>("");
    EXPECT_TRUE(severity == "warning" || severity == "critical") << alert << ": " << severity;
    EXPECT_FALSE(rule["annotations"]["summary"].as<std::string>("").empty()) << alert;
    EXPECT_FALSE(rule["annotations"]["description"].as<std::string>("").empty()) << alert;
    std::string anchor = alert;
    for (char& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(rule["annotations"]["runbook_url"].as<std::string>(""),
              "docs/operations.md#" + anchor);
    EXPECT_NE(runbook.find("\n### " + alert + "\n"), std::string::npos)
        << "docs/operations.md has no '### " << alert << "' section";
  }
}

TEST(PrometheusRulesTest, EveryMetricTheRulesReadIsExportedByTheCode) {
  const std::set<std::string> exported = MetricNamesKnown();
  ASSERT_FALSE(exported.empty());
  int checked = 0;
  for (const YAML::Node& rule : Rules()) {
    const std::string expr = rule["expr"].as<std::string>();
    for (const std::string& name : MetricNamesInExpression(expr, exported)) {
      ++checked;
      EXPECT_TRUE(exported.contains(name))
          << name << " (rule " << rule["alert"].as<std::string>(rule["record"].as<std::string>(""))
          << ") is not a metric name in src/ or include/";
    }
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace pinsync::deploy_test
