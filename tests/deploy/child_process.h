#pragma once
// A pinsync process started by a test: output to a file, found lines by polling it (bounded),
// stopped by signal to its own pid. The destructor kills what is still running.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace pinsync::deploy_test {

class ChildProcess {
 public:
  // argv[0] is the executable's path; `extra_env` entries are NAME=value.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
               std::string output_path)
      : output_path_(std::move(output_path)) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    args.push_back(nullptr);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ChildProcess() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      Wait(std::chrono::seconds(10));
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exit_code_; }
  std::string Output() const {
    std::ifstream in(output_path_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The first output line containing `marker`, waiting up to `limit` for it to appear.
  std::optional<std::string> WaitForLine(const std::string& marker, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::istringstream lines(Output());
      for (std::string line; std::getline(lines, line);) {
        if (line.find(marker) != std::string::npos) return line;
      }
      if (!running() || Reap()) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  void Signal(int signal) {
    if (running()) ::kill(pid_, signal);
  }

  // The exit code (128 + signal when killed), or nullopt if still running after `limit`.
  std::optional<int> Wait(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!Reap() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return exit_code_;
  }

 private:
  // True once the process has exited (and been reaped).
  bool Reap() {
    if (exit_code_) return true;
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }

  std::string output_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace pinsync::deploy_test
