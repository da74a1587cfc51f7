#pragma once
// `pinsync run` as the chart runs it, against the embedded Kafka cluster (`pinsync kafka`) and
// the Pinterest sandbox (`pinsync sandbox`), each a child process writing into a test's temp dir.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "child_process.h"

namespace pinsync::deploy_test {

class RunningPinsync {
 public:
  static constexpr const char* kTopic = "membership";

  // Starts the three processes; `extra_config` is appended to the YAML configuration (top-level
  // keys other than kafka, pinterest, metrics, pipeline and shutdown), `token` is the access
  // token. With `quick_handoff` the group session and Pinterest request timeouts are short, so
  // the partitions' start-up hand-off delay (session + request timeout + margin, 110 s by
  // default) is about 9 s and records reach the sandbox soon after they are produced. A failed
  // start is a test failure: check ok() (or use ASSERT_NO_FATAL_FAILURE).
  void Start(const std::filesystem::path& dir, const std::string& extra_config,
             const std::string& token, bool quick_handoff = false);
  bool ok() const { return run_ != nullptr && !metrics_url_.empty(); }

  const std::string& bootstrap() const { return bootstrap_; }
  // http://127.0.0.1:<port>, the metrics port (/metrics, /healthz).
  const std::string& metrics_url() const { return metrics_url_; }
  ChildProcess& run() { return *run_; }

  // Polls /metrics until the unlabelled counter `name` reaches `at_least` (bounded by `limit`);
  // its last value.
  double WaitForCounter(const std::string& name, double at_least, std::chrono::seconds limit);

  // SIGTERM to pinsync run, then to the sandbox and the cluster; pinsync's exit code, or nullopt
  // if it was still running 30 s after the signal.
  std::optional<int> Stop();

 private:
  std::unique_ptr<ChildProcess> kafka_;
  std::unique_ptr<ChildProcess> sandbox_;
  std::unique_ptr<ChildProcess> run_;
  std::string bootstrap_;
  std::string metrics_url_;
};

}  // namespace pinsync::deploy_test
