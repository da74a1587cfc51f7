#pragma once
// Child processes for the end-to-end benchmarks: spawn with output to files, wait with a bound,
// and read the child's own CPU time (wait4's rusage), plus a tiny loopback HTTP GET.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pinsync::bench {

struct Child {
  pid_t pid = -1;
};

struct Exit {
  bool exited = false;  // false: still running after the wait, or killed
  int status = 0;       // exit status when exited
  double user_seconds = 0;
  double system_seconds = 0;
  long minor_faults = 0;        // pages first touched (fresh memory), each a trip to the kernel
  long voluntary_switches = 0;  // waits: on a lock, a condition, a socket
  double cpu_seconds() const { return user_seconds + system_seconds; }
  bool success() const { return exited && status == 0; }
};

// Starts argv[0] (a path) with stdout and stderr redirected to the files and `extra_env` added
// to this process's environment.
std::optional<Child> Spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
                           const std::filesystem::path& err,
                           const std::vector<std::string>& extra_env = {});
// Waits for the child to exit; past `timeout` kills it (SIGKILL) and reaps it.
Exit WaitFor(const Child& child, std::chrono::seconds timeout);
// SIGTERM, without waiting.
void Terminate(const Child& child);
// SIGTERM, then WaitFor.
Exit Stop(const Child& child, std::chrono::seconds timeout);
bool Running(const Child& child);
// The first complete line of a file another process writes, waiting up to `timeout`.
std::optional<std::string> ReadFirstLine(const std::filesystem::path& file,
                                         std::chrono::seconds timeout);
// CPU time so far (user + system) of each thread of a running child, from /proc/<pid>/task
// (clock-tick resolution, 10 ms), and its minor faults. `main` is the thread the process
// started on.
struct ThreadCpu {
  pid_t tid = 0;
  std::string name;  // the thread's comm, e.g. "rdk:broker1" or a pinsync NameThisThread name
  bool main = false;
  double seconds = 0;
  long minor_faults = 0;
};
std::vector<ThreadCpu> ThreadCpuOf(const Child& child);
// The child's peak resident memory so far (VmHWM), in KiB; 0 once it has exited. Not wait4's
// ru_maxrss, which counts the forked copy of this process from before the exec.
long PeakResidentKb(const Child& child);
// GET http://127.0.0.1:port/path; the body of a 200 answer, nullopt otherwise.
std::optional<std::string> HttpGet(int port, const std::string& path);

}  // namespace pinsync::bench
