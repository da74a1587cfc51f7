#include "running_pinsync.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <thread>

#include "metrics/http_get.h"
#include "repo_files.h"

namespace pinsync::deploy_test {

using std::chrono::seconds;

void RunningPinsync::Start(const std::filesystem::path& dir, const std::string& extra_config,
                           const std::string& token, bool quick_handoff) {
  const std::string binary = PinsyncBinary().string();
  ASSERT_FALSE(binary.empty()) << "pinsync is not built in " << BinaryDir();
  kafka_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary, "kafka", "--partitions", "2", "--topics", kTopic},
      std::vector<std::string>{}, (dir / "kafka.out").string());
  ASSERT_TRUE(kafka_->started());
  auto bootstrap_line = kafka_->WaitForLine("bootstrap.servers=", seconds(60));
  ASSERT_TRUE(bootstrap_line) << kafka_->Output();
  bootstrap_ = bootstrap_line->substr(bootstrap_line->find('=') + 1);

  sandbox_ =
      std::make_unique<ChildProcess>(std::vector<std::string>{binary, "sandbox", "--port", "0"},
                                     std::vector<std::string>{}, (dir / "sandbox.out").string());
  ASSERT_TRUE(sandbox_->started());
  auto api_line = sandbox_->WaitForLine("/v5", seconds(60));
  ASSERT_TRUE(api_line) << sandbox_->Output();
  std::smatch api;
  ASSERT_TRUE(std::regex_search(*api_line, api, std::regex("http://127\\.0\\.0\\.1:[0-9]+/v5")));

  const std::filesystem::path config = dir / "pinsync.yaml";
  std::ofstream(config) << "kafka:\n  bootstrap_servers: \"" << bootstrap_ << "\"\n  topics: ["
                        << kTopic << "]\n  dead_letter_topic: " << kTopic << "-dlq\n"
                        << (quick_handoff ? "  properties:\n    session.timeout.ms: \"3000\"\n"
                                            "    heartbeat.interval.ms: \"300\"\n"
                                          : "")
                        << "pinterest:\n  api_base_url: \"" << api[0].str()
                        << "\"\n  ad_account_id: \"549755885175\"\n"
                        << (quick_handoff ? "  request_timeout: 5s\n  retry_max_backoff: 1s\n" : "")
                        << "metrics:\n  listen: 127.0.0.1:0\nshutdown:\n  timeout: 10s\n"
                        << (quick_handoff ? "pipeline:\n  handoff_margin: 500ms\n" : "")
                        << extra_config;
  run_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{binary, "run", "-c", config.string()},
      std::vector<std::string>{"PINTEREST_ACCESS_TOKEN=" + token}, (dir / "run.out").string());
  ASSERT_TRUE(run_->started());
  // In either log format the line reads "metrics: serving ... on 127.0.0.1:<port>".
  auto serving = run_->WaitForLine("metrics: serving", seconds(60));
  ASSERT_TRUE(serving) << run_->Output();
  std::smatch port;
  ASSERT_TRUE(std::regex_search(*serving, port, std::regex("127\\.0\\.0\\.1:([0-9]+)")))
      << *serving;
  metrics_url_ = "http://127.0.0.1:" + port[1].str();
}

double RunningPinsync::WaitForCounter(const std::string& name, double at_least,
                                      std::chrono::seconds limit) {
  const std::regex sample("\n" + name + " ([0-9.e+]+)");
  const auto deadline = std::chrono::steady_clock::now() + limit;
  double value = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string body = metrics::testing::HttpGet(metrics_url_ + "/metrics").body;
    std::smatch m;
    value = std::regex_search(body, m, sample) ? std::stod(m[1].str()) : 0;
    if (value >= at_least) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return value;
}

std::optional<int> RunningPinsync::Stop() {
  std::optional<int> code;
  if (run_) {
    run_->Signal(SIGTERM);
    code = run_->Wait(seconds(30));
  }
  for (ChildProcess* helper : {sandbox_.get(), kafka_.get()}) {
    if (helper == nullptr) continue;
    helper->Signal(SIGTERM);
    helper->Wait(seconds(30));
  }
  return code;
}

}  // namespace pinsync::deploy_test
