#include "e2e/connector_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace pinsync::e2e {
namespace {

std::string Millis(std::chrono::milliseconds d) { return fmt::format("{}ms", d.count()); }

// YAML double-quoted scalar.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ConfigYaml(const config::Config& c) {
  std::string y;
  y += "kafka:\n";
  y += "  bootstrap_servers: " + Quoted(c.kafka.bootstrap_servers) + "\n";
  y += "  group_id: " + Quoted(c.kafka.group_id) + "\n";
  y += "  topics:\n";
  for (const auto& topic : c.kafka.topics) y += "    - " + Quoted(topic) + "\n";
  if (!c.kafka.dead_letter_topic.empty()) {
    y += "  dead_letter_topic: " + Quoted(c.kafka.dead_letter_topic) + "\n";
  }
  y += "  registry_topic: " + Quoted(c.kafka.registry_topic) + "\n";
  y += "  commit_interval: " + Millis(c.kafka.commit_interval) + "\n";
  y += fmt::format("  max_message_bytes: {}\n", c.kafka.max_message_bytes);
  if (!c.kafka.properties.empty()) {
    y += "  properties:\n";
    for (const auto& [name, value] : c.kafka.properties) {
      y += "    " + name + ": " + Quoted(value) + "\n";
    }
  }
  y += "pinterest:\n";
  y += "  api_base_url: " + Quoted(c.pinterest.api_base_url) + "\n";
  y += "  ad_account_id: " + Quoted(c.pinterest.ad_account_id) + "\n";
  y += fmt::format("  max_records_per_request: {}\n", c.pinterest.max_records_per_request);
  y += fmt::format("  requests_per_minute: {}\n", c.pinterest.requests_per_minute);
  y += fmt::format("  max_concurrent_requests: {}\n", c.pinterest.max_concurrent_requests);
  y += "  retry_initial_backoff: " + Millis(c.pinterest.retry_initial_backoff) + "\n";
  y += "  retry_max_backoff: " + Millis(c.pinterest.retry_max_backoff) + "\n";
  y += "  request_timeout: " + Millis(c.pinterest.request_timeout) + "\n";
  if (!c.pinterest.app_id.empty()) y += "  app_id: " + Quoted(c.pinterest.app_id) + "\n";
  if (!c.pinterest.token_store.empty()) {
    y += "  token_store: " + Quoted(c.pinterest.token_store) + "\n";
  }
  y += "batching:\n";
  y += fmt::format("  max_records: {}\n", c.batching.max_records);
  y += "  max_age: " + Millis(c.batching.max_age) + "\n";
  y += "pipeline:\n";
  y += "  handoff_margin: " + Millis(c.pipeline.handoff_margin) + "\n";
  y += "shutdown:\n";
  y += "  timeout: " + Millis(c.shutdown.timeout) + "\n";
  y += "metrics:\n";
  y += "  listen: " + Quoted(c.metrics.listen) + "\n";
  y += "logging:\n";
  y += "  level: " + c.logging.level + "\n";
  return y;
}

std::map<std::string, std::string> SecretEnvironment(const config::Config& c) {
  std::map<std::string, std::string> env;
  if (!c.pinterest.access_token.empty()) env["PINTEREST_ACCESS_TOKEN"] = c.pinterest.access_token;
  if (!c.pinterest.app_secret.empty()) env["PINTEREST_APP_SECRET"] = c.pinterest.app_secret;
  if (!c.pinterest.refresh_token.empty())
    env["PINTEREST_REFRESH_TOKEN"] = c.pinterest.refresh_token;
  return env;
}

std::string ConnectorProcess::BinaryPath() { return PINSYNC_BINARY_DIR "/src/app/pinsync"; }

std::unique_ptr<ConnectorProcess> ConnectorProcess::Spawn(const config::Config& config,
                                                          const std::string& yaml_path,
                                                          const std::string& log_path) {
  {
    std::ofstream yaml(yaml_path, std::ios::trunc);
    yaml << ConfigYaml(config);
    if (!yaml) {
      ADD_FAILURE() << "cannot write " << yaml_path;
      return nullptr;
    }
  }
  // The parent's environment minus anything that could reconfigure the child, plus the secrets.
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view var(*entry);
    if (var.starts_with("PINSYNC_") || var.starts_with("PINTEREST_")) continue;
    env.emplace_back(var);
  }
  for (const auto& [name, value] : SecretEnvironment(config)) env.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& var : env) envp.push_back(var.data());
  envp.push_back(nullptr);

  std::string binary = BinaryPath();
  std::string run = "run", flag = "-c", path = yaml_path;
  char* argv[] = {binary.data(), run.data(), flag.data(), path.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << binary << ": " << std::strerror(spawned);
    return nullptr;
  }
  return std::unique_ptr<ConnectorProcess>(new ConnectorProcess(pid));
}

ConnectorProcess::~ConnectorProcess() {
  if (!Poll()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool ConnectorProcess::Signal(int signal) { return !exit_code_ && kill(pid_, signal) == 0; }

std::optional<int> ConnectorProcess::Poll() {
  if (exit_code_) return exit_code_;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return exit_code_;
}

std::optional<int> ConnectorProcess::WaitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!Poll() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Poll();
}

std::string ReadLogTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

}  // namespace pinsync::e2e
