#pragma once
// Running the deploy tools (helm, promtool, apt-cache, dpkg, pinsync) from the tests: a shell
// command's exit code and combined output, bounded by coreutils' timeout.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace pinsync::deploy_test {

struct CommandResult {
  int exit_code = -1;  // 124: timed out
  std::string output;  // stdout and stderr
};

// Single-quotes `text` for the shell.
inline std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline CommandResult RunShell(const std::string& command, int timeout_seconds = 120) {
  CommandResult result;
  const std::string bounded =
      "timeout " + std::to_string(timeout_seconds) + " sh -c " + ShellQuote(command) + " 2>&1";
  FILE* pipe = popen(bounded.c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed for: " + command;
    return result;
  }
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace pinsync::deploy_test
