// `pinsync run` as the chart runs it, against the embedded Kafka cluster and the Pinterest
// sandbox: its metrics endpoint serves every metric the shipped rules and dashboard query,
// /healthz answers, no token leaks, and SIGTERM ends it cleanly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "child_process.h"
#include "metrics/http_get.h"
#include "queried_metrics.h"
#include "repo_files.h"

namespace pinsync::deploy_test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// Families whose label values exist only once something happened (a request with a status, a
// refresh result, a blocked account, a dead letter with its reason): prometheus-cpp exports a
// family only when it has a series, so an idle process cannot show them.
const std::set<std::string> kAppearOnFirstUse = {
    "pinsync_pinterest_requests_total", "pinsync_pinterest_token_refreshes_total",
    "pinsync_pinterest_account_blocked", "pinsync_connector_dead_letters_total"};

// Metric names in a Prometheus text exposition, histogram suffixes removed.
std::set<std::string> ExposedNames(const std::string& body) {
  static const std::regex kSample("^([a-zA-Z_:][a-zA-Z0-9_:]*)");
  std::set<std::string> names;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line.empty() || line[0] == '#' || !std::regex_search(line, m, kSample)) continue;
    std::string name = m[1].str();
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (name.ends_with(suffix)) names.insert(name.substr(0, name.size() - suffix.size()));
    }
    names.insert(name);
  }
  return names;
}

class RunningServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = PinsyncBinary().string();
    if (binary_.empty()) GTEST_SKIP() << "pinsync is not built in " << BinaryDir();
    dir_ = fs::temp_directory_path() / ("pinsync-running-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string binary_;
  fs::path dir_;
};

TEST_F(RunningServiceTest, ServesTheQueriedMetricsAndStopsCleanlyOnSigterm) {
  ChildProcess kafka({binary_, "kafka", "--partitions", "2", "--topics", "membership"}, {},
                     (dir_ / "kafka.out").string());
  ASSERT_TRUE(kafka.started());
  auto bootstrap_line = kafka.WaitForLine("bootstrap.servers=", seconds(60));
  ASSERT_TRUE(bootstrap_line) << kafka.Output();
  const std::string bootstrap = bootstrap_line->substr(bootstrap_line->find('=') + 1);

  ChildProcess sandbox({binary_, "sandbox", "--port", "0"}, {}, (dir_ / "sandbox.out").string());
  ASSERT_TRUE(sandbox.started());
  auto api_line = sandbox.WaitForLine("/v5", seconds(60));
  ASSERT_TRUE(api_line) << sandbox.Output();
  std::smatch api;
  ASSERT_TRUE(std::regex_search(*api_line, api, std::regex("http://127\\.0\\.0\\.1:[0-9]+/v5")));

  const fs::path config = dir_ / "pinsync.yaml";
  std::ofstream(config) << "kafka:\n  bootstrap_servers: \"" << bootstrap
                        << "\"\n  topics: [membership]\n  dead_letter_topic: membership-dlq\n"
                        << "pinterest:\n  api_base_url: \"" << api[0].str()
                        << "\"\n  ad_account_id: \"549755885175\"\n"
                        << "metrics:\n  listen: 127.0.0.1:0\nshutdown:\n  timeout: 10s\n";
  const std::string token = "pina_runtimeTOKEN4242";
  ChildProcess run({binary_, "run", "-c", config.string()}, {"PINTEREST_ACCESS_TOKEN=" + token},
                   (dir_ / "run.out").string());
  ASSERT_TRUE(run.started());
  auto serving = run.WaitForLine("metrics: serving", seconds(60));
  ASSERT_TRUE(serving) << run.Output();
  const std::string base = "http://127.0.0.1:" + serving->substr(serving->rfind(':') + 1);

  EXPECT_EQ(metrics::testing::HttpGet(base + "/healthz").status, 200);
  // The server answers before the service has built its Kafka clients (the registry topic is
  // read first), and their metrics appear with them: scrape until the consumer's are there.
  auto scrape = metrics::testing::HttpGet(base + "/metrics");
  for (int i = 0; i < 600 && scrape.status == 200 &&
                  !ExposedNames(scrape.body).contains("pinsync_kafka_assigned_partitions");
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    scrape = metrics::testing::HttpGet(base + "/metrics");
  }
  ASSERT_EQ(scrape.status, 200) << scrape.error;
  const std::set<std::string> exposed = ExposedNames(scrape.body);
  EXPECT_TRUE(exposed.contains("pinsync_build_info")) << scrape.body;
  // The link took: a linker dropping a library nothing names would leave glibc's malloc.
  EXPECT_NE(scrape.body.find("pinsync_build_info{allocator=\"" PINSYNC_LINKED_MALLOC "\""),
            std::string::npos)
      << scrape.body;

  std::set<std::string> queried = MetricsQueriedByRules();
  queried.merge(MetricsQueriedByDashboard());
  ASSERT_GE(queried.size(), 20u);
  for (const std::string& name : queried) {
    if (kAppearOnFirstUse.contains(name) || AudienceMetricNames().contains(name)) continue;
    EXPECT_TRUE(exposed.contains(name))
        << name << " is queried by deploy/ but `pinsync run` does not export it";
  }
  for (const std::string& name : kAppearOnFirstUse) {
    EXPECT_TRUE(MetricNamesInCode().contains(name)) << name;
  }

  run.Signal(SIGTERM);
  const auto code = run.Wait(seconds(30));
  ASSERT_TRUE(code) << "still running 30 s after SIGTERM:\n" << run.Output();
  EXPECT_EQ(*code, 0) << run.Output();
  EXPECT_EQ(run.Output().find(token), std::string::npos) << "the token reached the log";
  EXPECT_EQ(scrape.body.find(token), std::string::npos);

  sandbox.Signal(SIGTERM);
  kafka.Signal(SIGTERM);
  EXPECT_TRUE(sandbox.Wait(seconds(30)));
  EXPECT_TRUE(kafka.Wait(seconds(30)));
}

}  // namespace
}  // namespace pinsync::deploy_test
