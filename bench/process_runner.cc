#include "process_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <httplib.h>

extern char** environ;

namespace pinsync::bench {
namespace {

double Seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Exit FromWait(int status, const rusage& usage) {
  Exit exit;
  exit.exited = WIFEXITED(status);
  exit.status = exit.exited ? WEXITSTATUS(status) : -1;
  exit.user_seconds = Seconds(usage.ru_utime);
  exit.system_seconds = Seconds(usage.ru_stime);
  exit.minor_faults = usage.ru_minflt;
  exit.voluntary_switches = usage.ru_nvcsw;
  return exit;
}

}  // namespace

std::optional<Child> Spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
                           const std::filesystem::path& err,
                           const std::vector<std::string>& extra_env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const auto& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  pid_t pid = -1;
  // posix_spawnp: "perf" is looked up on PATH; the others are absolute paths.
  const int failed = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) return std::nullopt;
  return Child{pid};
}

Exit WaitFor(const Child& child, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  rusage usage{};
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t done = ::wait4(child.pid, &status, WNOHANG, &usage);
    if (done == child.pid) return FromWait(status, usage);
    if (done < 0) return Exit{};
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(child.pid, SIGKILL);
  ::wait4(child.pid, &status, 0, &usage);
  Exit killed = FromWait(status, usage);
  killed.exited = false;
  return killed;
}

void Terminate(const Child& child) { ::kill(child.pid, SIGTERM); }

Exit Stop(const Child& child, std::chrono::seconds timeout) {
  Terminate(child);
  return WaitFor(child, timeout);
}

bool Running(const Child& child) {
  // waitid with WNOWAIT leaves a finished child to be reaped (and its rusage read) later.
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(child.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == 0;
}

std::optional<std::string> ReadFirstLine(const std::filesystem::path& file,
                                         std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string content = ReadFile(file);
    if (auto end = content.find('\n'); end != std::string::npos) return content.substr(0, end);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

std::vector<ThreadCpu> ThreadCpuOf(const Child& child) {
  std::vector<ThreadCpu> out;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const std::filesystem::path tasks = "/proc/" + std::to_string(child.pid) + "/task";
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    const std::string stat = ReadFile(task.path() / "stat");
    // "tid (comm) state ppid ..."; comm may hold spaces and parentheses: split at the last ')'.
    const size_t open = stat.find('(');
    const size_t close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    long minor_faults = 0;
    double user = 0;
    double system = 0;
    for (int index = 3; rest >> field; ++index) {  // index: the field's number in proc(5)
      if (index == 10) minor_faults = std::strtol(field.c_str(), nullptr, 10);
      if (index == 14) user = std::strtod(field.c_str(), nullptr);
      if (index == 15) {
        system = std::strtod(field.c_str(), nullptr);
        break;
      }
    }
    out.push_back(ThreadCpu{static_cast<pid_t>(std::stol(task.path().filename().string())),
                            stat.substr(open + 1, close - open - 1),
                            task.path().filename() == std::to_string(child.pid),
                            (user + system) / tick, minor_faults});
  }
  return out;
}

long PeakResidentKb(const Child& child) {
  const std::string status = ReadFile("/proc/" + std::to_string(child.pid) + "/status");
  const size_t at = status.find("VmHWM:");
  if (at == std::string::npos) return 0;
  return std::strtol(status.c_str() + at + 6, nullptr, 10);
}

std::optional<std::string> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(5, 0);
  auto answer = client.Get(path);
  if (!answer || answer->status != 200) return std::nullopt;
  return answer->body;
}

}  // namespace pinsync::bench
