#pragma once
// `pinsync run -c FILE` as a child process, for the tests that kill the connector or send it
// SIGTERM: the YAML written from a Config, the secrets passed in the environment, stdout and
// stderr appended to a log file.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "pinsync/config/config.h"

namespace pinsync::e2e {

// The YAML for the keys the end-to-end tests set (secrets are left out: they go in the
// environment, as `pinsync run` requires).
std::string ConfigYaml(const config::Config& config);

// The secrets of `config` as the environment variables `pinsync run` reads them from.
std::map<std::string, std::string> SecretEnvironment(const config::Config& config);

class ConnectorProcess {
 public:
  // Writes `config` to `yaml_path` and starts the binary; null (with a test failure) on error.
  static std::unique_ptr<ConnectorProcess> Spawn(const config::Config& config,
                                                 const std::string& yaml_path,
                                                 const std::string& log_path);
  // Kills the process (SIGKILL) if it still runs, and reaps it.
  ~ConnectorProcess();

  pid_t pid() const { return pid_; }
  bool Signal(int signal);
  // Waits (polling every 50 ms) up to `timeout` for the process to end. Its exit code, or
  // 128 + signal number if a signal ended it; nullopt if it still runs.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // Non-blocking: the exit code if it has ended.
  std::optional<int> Poll();

  // The path of the pinsync binary this build made.
  static std::string BinaryPath();

 private:
  explicit ConnectorProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> exit_code_;
};

// The log file's contents (for failure messages); at most the last `max_bytes`.
std::string ReadLogTail(const std::string& path, size_t max_bytes = 4000);

}  // namespace pinsync::e2e
