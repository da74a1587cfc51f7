// A real Prometheus (Debian's `prometheus`) scrapes a running pinsync every second with the
// shipped rules loaded: every recording and alerting rule evaluates with health "ok", and every
// query of the shipped dashboard evaluates without error.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "command.h"
#include "metrics/http_get.h"
#include "pinsync/kafka/event_producer.h"
#include "repo_files.h"
#include "running_pinsync.h"

namespace pinsync::deploy_test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// A loopback port nobody listens on right now (the kernel's pick for port 0).
int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// The API's answer parsed; a failed request or non-JSON body is a parse error.
rapidjson::Document Api(const std::string& url) {
  rapidjson::Document doc;
  auto response = metrics::testing::HttpGet(url);
  doc.Parse(response.status == 0 ? "" : response.body.c_str());
  return doc;
}

// The rules file with every group evaluated each second (the shipped groups use 30 s), so the
// test sees each rule evaluated within a few seconds. Nothing else changes.
std::string RulesEvaluatedEverySecond() {
  YAML::Node rules = YAML::LoadFile((SourceDir() / "deploy/prometheus/pinsync-rules.yml").string());
  for (YAML::Node group : rules["groups"]) group["interval"] = "1s";
  YAML::Emitter out;
  out << rules;
  return out.c_str();
}

size_t RuleCount() {
  size_t count = 0;
  for (const YAML::Node& group :
       YAML::LoadFile((SourceDir() / "deploy/prometheus/pinsync-rules.yml").string())["groups"]) {
    count += group["rules"].size();
  }
  return count;
}

// Every PromQL expression of the dashboard (panels, rows' nested panels, annotations) with the
// template variables replaced as Grafana would with "All" selected.
std::vector<std::string> DashboardQueries() {
  const std::string text = ReadFile(SourceDir() / "deploy/grafana/pinsync-dashboard.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  std::vector<std::string> exprs;
  auto collect = [&exprs](const rapidjson::Value& panel) {
    if (!panel.HasMember("targets")) return;
    for (const auto& target : panel["targets"].GetArray()) {
      if (target.HasMember("expr")) exprs.emplace_back(target["expr"].GetString());
    }
  };
  for (const auto& panel : doc["panels"].GetArray()) {
    collect(panel);
    if (panel.HasMember("panels")) {
      for (const auto& inner : panel["panels"].GetArray()) collect(inner);
    }
  }
  for (const auto& annotation : doc["annotations"]["list"].GetArray()) {
    if (annotation.HasMember("expr")) exprs.emplace_back(annotation["expr"].GetString());
  }
  static const std::regex kInterval(R"(\$__(rate_)?interval)");
  static const std::regex kVariable(R"(\$\{?(namespace|instance|audience)\}?)");
  for (std::string& expr : exprs) {
    expr = std::regex_replace(expr, kInterval, "1m");
    expr = std::regex_replace(expr, kVariable, ".*");
  }
  return exprs;
}

class PrometheusScrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Debian's prometheus package (scripts/install-deps.sh --all): missing means a broken set-up.
    CommandResult which = RunShell("command -v prometheus");
    ASSERT_EQ(which.exit_code, 0) << "prometheus not found: run scripts/install-deps.sh";
    prometheus_ = which.output.substr(0, which.output.find('\n'));
    dir_ = fs::temp_directory_path() / ("pinsync-prometheus-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_, ec);
    if (HasFailure()) std::fprintf(stderr, "prometheus test: kept %s\n", dir_.c_str());
  }

  std::string prometheus_;
  fs::path dir_;
};

TEST_F(PrometheusScrapeTest, EvaluatesEveryRuleAndDashboardQueryAgainstARunningPinsync) {
  RunningPinsync pinsync;
  ASSERT_NO_FATAL_FAILURE(pinsync.Start(dir_, "batching:\n  max_age: 1s\n", "pina_prometheusTOKEN",
                                        /*quick_handoff=*/true));
  // Changes of two audiences, so that the per-audience series exist and their queries (joins,
  // aggregations) meet real data, not only empty vectors.
  auto producer = kafka::EventProducer::Create(pinsync.bootstrap());
  ASSERT_TRUE(producer.ok()) << producer.error().message;
  for (int i = 0; i < 20; ++i) {
    const std::string audience = i % 2 == 0 ? "vip" : "newsletter";
    const std::string event = R"({"audience_id":")" + audience + R"(","audience_name":")" +
                              audience + R"(","op":"add","identifiers":{"email":["member)" +
                              std::to_string(i) + R"(@example.com"]}})";
    ASSERT_TRUE((*producer)->Produce(RunningPinsync::kTopic, "k" + std::to_string(i), event).ok());
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(10)).ok());
  EXPECT_GE(pinsync.WaitForCounter("pinsync_pinterest_records_added_total", 20, seconds(90)), 20)
      << pinsync.run().Output();
  const std::string target = pinsync.metrics_url().substr(std::string("http://").size());

  std::ofstream(dir_ / "rules.yml") << RulesEvaluatedEverySecond();
  std::ofstream(dir_ / "prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      << "rule_files: [\"" << (dir_ / "rules.yml").string() << "\"]\n"
      << "scrape_configs:\n  - job_name: pinsync\n    static_configs:\n"
      << "      - targets: [\"" << target << "\"]\n        labels: {namespace: test}\n";
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string api = "http://127.0.0.1:" + std::to_string(port) + "/api/v1";
  ChildProcess prometheus(
      {prometheus_, "--config.file=" + (dir_ / "prometheus.yml").string(),
       "--storage.tsdb.path=" + (dir_ / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
      {}, (dir_ / "prometheus.out").string());
  ASSERT_TRUE(prometheus.started());

  // Bounded waits: the target up, then every rule evaluated at least once.
  const auto deadline = std::chrono::steady_clock::now() + seconds(90);
  bool up = false;
  while (!up && std::chrono::steady_clock::now() < deadline && prometheus.running()) {
    auto doc = Api(api + "/query?query=" + UrlEncode("up{job=\"pinsync\"}"));
    up = !doc.HasParseError() && doc.IsObject() && doc.HasMember("data") &&
         doc["data"]["result"].Size() == 1 &&
         std::string(doc["data"]["result"][0]["value"][1].GetString()) == "1";
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(up) << "prometheus never scraped pinsync at " << target << ":\n"
                  << prometheus.Output();

  const size_t expected_rules = RuleCount();
  rapidjson::Document rules;
  size_t evaluated = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    rules = Api(api + "/rules");
    evaluated = 0;
    if (!rules.HasParseError() && rules.IsObject() && rules.HasMember("data")) {
      for (const auto& group : rules["data"]["groups"].GetArray()) {
        for (const auto& rule : group["rules"].GetArray()) {
          if (std::string(rule["health"].GetString()) != "unknown") ++evaluated;
        }
      }
    }
    if (evaluated == expected_rules) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(evaluated, expected_rules) << "rules not all evaluated within 90 s";
  for (const auto& group : rules["data"]["groups"].GetArray()) {
    for (const auto& rule : group["rules"].GetArray()) {
      const std::string name = rule["name"].GetString();
      EXPECT_STREQ(rule["health"].GetString(), "ok")
          << name << ": " << (rule.HasMember("lastError") ? rule["lastError"].GetString() : "");
      if (rule.HasMember("lastError")) {
        EXPECT_STREQ(rule["lastError"].GetString(), "") << name;
      }
    }
  }

  const auto queries = DashboardQueries();
  ASSERT_GE(queries.size(), 40u);
  size_t with_data = 0;
  for (const std::string& query : queries) {
    auto doc = Api(api + "/query?query=" + UrlEncode(query));
    ASSERT_FALSE(doc.HasParseError()) << query;
    EXPECT_STREQ(doc["status"].GetString(), "success")
        << query << ": " << (doc.HasMember("error") ? doc["error"].GetString() : "");
    if (doc.HasMember("data") && doc["data"]["result"].IsArray() &&
        doc["data"]["result"].Size() > 0) {
      ++with_data;
    }
  }
  // Idle, pinsync still exports the process and pipeline figures most panels read.
  EXPECT_GE(with_data, 10u) << "the dashboard's queries found almost no data";

  prometheus.Signal(SIGTERM);
  EXPECT_TRUE(prometheus.Wait(seconds(30))) << "prometheus still running 30 s after SIGTERM";
  const auto code = pinsync.Stop();
  ASSERT_TRUE(code) << pinsync.run().Output();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace pinsync::deploy_test
