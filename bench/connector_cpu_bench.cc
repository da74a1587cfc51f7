// End to end CPU per message: `pinsync run` against a bare librdkafka consumer (bare_consumer.c),
// both draining the same generated backlog from the embedded mock cluster. Each process is a
// child of this one, so its CPU time (user + sys, from wait4) is its own: the mock brokers, the
// producer and the sandbox are not counted. CPU time rather than wall time because the machine
// is shared. The figure that matters is `ratio`: pinsync's CPU per message over the bare
// consumer's (issue 10's goal: at most 1.5).
//
// Environment knobs (all optional; not PINSYNC_*, which `pinsync run` takes as config overrides):
//   CONNECTOR_CPU_BENCH_EVENTS       backlog size (default 1,200,000)
//   CONNECTOR_CPU_BENCH_REPETITIONS  runs of each consumer (default 5)
//   CONNECTOR_CPU_BENCH_PERF         arguments for `perf` attached to each `pinsync run`, e.g.
//                                  "record -g -o /tmp/pinsync.perf.data" (profiling only: the
//                                  profiler's own cost inflates the figures)
//   CONNECTOR_CPU_BENCH_KEEP_LOGS    keep the temporary directory with the processes' logs (and
//                                  each pinsync's metrics when it drained, *-drained.metrics)
//   CONNECTOR_CPU_BENCH_B_ENV        A/B experiments: space-separated NAME=VALUE pairs; each
//                                  repetition then also runs `pinsync run` with them added to
//                                  its environment (e.g. a PINSYNC_KAFKA__PROPERTIES__ override)
//                                  and reports `b_us` and `b_over_a`, the paired ratio of the two
//                                  runs, steadier than comparing separate benchmark runs, and
//                                  `b_over_a_<phase>_<thread group>` (e.g.
//                                  b_over_a_shutdown_delivery_thread), steadier still for a
//                                  change to one thread's code
//   CONNECTOR_CPU_BENCH_BARE_ENV     NAME=VALUE pairs added to the bare consumer's environment,
//                                  e.g. LD_PRELOAD of the allocator pinsync links, to compare
//                                  like with like
//   CONNECTOR_CPU_BENCH_B_PINSYNC    A/B of two builds: the B run uses this `pinsync` executable
//                                  (e.g. one built from the previous commit) instead of this
//                                  build's; either knob turns the B run on

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pinsync/demo/membership_stream.h"
#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/mock_cluster.h"
#include "process_runner.h"

namespace pinsync::bench {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 48;
constexpr int kAudiences = 50;
constexpr const char* kTopic = "events";

size_t EnvNumber(const char* name, size_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

// The embedded cluster holding the generated backlog; built once per process.
struct Backlog {
  std::unique_ptr<kafka::MockKafkaCluster> cluster;
  size_t events = 0;
  size_t bytes = 0;
  std::string error;  // non-empty: the backlog could not be built
};

Backlog FailedBacklog(std::string error) {
  Backlog backlog;
  backlog.error = std::move(error);
  return backlog;
}

Backlog BuildBacklog() {
  Backlog backlog;
  backlog.events = EnvNumber("CONNECTOR_CPU_BENCH_EVENTS", 1'200'000);
  auto cluster = kafka::MockKafkaCluster::Start(3);
  if (!cluster) return FailedBacklog(cluster.error().message);
  if (auto created = (*cluster)->CreateTopic(kTopic, kPartitions); !created) {
    return FailedBacklog(created.error().message);
  }
  {
    auto producer = kafka::EventProducer::Create(
        (*cluster)->bootstraps(), {.compression = "lz4", .linger_ms = 20, .properties = {}});
    if (!producer) return FailedBacklog(producer.error().message);
    demo::MembershipStream stream(
        {.events = backlog.events, .audiences = kAudiences, .seed = 10, .malformed_share = 0});
    while (auto message = stream.Next()) {
      backlog.bytes += message->value.size();
      if (auto s = (*producer)->Produce(kTopic, message->key, message->value); !s) {
        return FailedBacklog(s.error().message);
      }
    }
    if (auto s = (*producer)->Flush(120s); !s) return FailedBacklog(s.error().message);
    if ((*producer)->delivered() != backlog.events) {
      return FailedBacklog("not every event was delivered to the mock cluster");
    }
  }
  backlog.cluster = std::move(*cluster);
  return backlog;
}

Backlog& SharedBacklog() {
  static Backlog backlog = BuildBacklog();
  return backlog;
}

// A loopback port nobody listens on right now (for pinsync's metrics endpoint).
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

// Messages the pipeline has finished with: the sum of pinsync_connector_messages_total.
std::optional<double> ProcessedMessages(int metrics_port) {
  auto body = HttpGet(metrics_port, "/metrics");
  if (!body) return std::nullopt;
  double total = 0;
  std::istringstream lines(*body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("pinsync_connector_messages_total{", 0) == 0) {
      total += std::strtod(line.substr(line.rfind(' ') + 1).c_str(), nullptr);
    }
  }
  return total;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pinsync-cpu-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    if (std::getenv("CONNECTOR_CPU_BENCH_KEEP_LOGS") == nullptr) {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    } else {
      std::fprintf(stderr, "logs kept in %s\n", path.c_str());
    }
  }
};

// What one group of threads used: CPU seconds and minor faults (faults of pinsync's threads only:
// the bare consumer's are not read from /proc).
struct ThreadUsage {
  double seconds = 0;
  long faults = 0;

  void Add(const ThreadCpu& thread) {
    seconds += thread.seconds;
    faults += thread.minor_faults;
  }
  ThreadUsage operator-(const ThreadUsage& o) const {
    return {seconds - o.seconds, faults - o.faults};
  }
};

struct ThreadSplit {
  ThreadUsage poll_thread;
  ThreadUsage kafka_threads;
  ThreadUsage delivery_thread;
  ThreadUsage other_threads;

  static ThreadSplit Of(const std::vector<ThreadCpu>& threads) {
    ThreadSplit split;
    for (const ThreadCpu& thread : threads) {
      if (thread.main) {
        split.poll_thread.Add(thread);
      } else if (thread.name.starts_with("rdk:")) {
        split.kafka_threads.Add(thread);
      } else if (thread.name == "delivery") {
        split.delivery_thread.Add(thread);
      } else {
        split.other_threads.Add(thread);
      }
    }
    return split;
  }
  ThreadSplit operator-(const ThreadSplit& o) const {
    return {poll_thread - o.poll_thread, kafka_threads - o.kafka_threads,
            delivery_thread - o.delivery_thread, other_threads - o.other_threads};
  }
};

struct RunResult {
  double cpu_seconds = 0;
  double user_seconds = 0;
  double system_seconds = 0;
  double wall_seconds = 0;
  long minor_faults = 0;
  long voluntary_switches = 0;
  long max_rss_kb = 0;
  std::string error;  // non-empty: the run failed
  // Where the CPU went, by thread: the thread that polls Kafka (pinsync's consumer thread, the
  // bare consumer's only one), librdkafka's own ("rdk:*"), pinsync's delivery thread and the
  // rest (registry reader, metrics server). pinsync's are read when the backlog is drained
  // (`drain`), and during the shutdown that follows (`shutdown`: the flush of every open batch,
  // its delivery and the final commit; read every 100 ms, so the last 100 ms are missing).
  ThreadSplit drain;
  ThreadSplit shutdown;
};

// A number printed as "name=value" on a line of `text`; 0 if absent.
double NamedValue(const std::string& text, const std::string& name) {
  const size_t at = text.find(name + "=");
  return at == std::string::npos ? 0 : std::strtod(text.c_str() + at + name.size() + 1, nullptr);
}

RunResult Measured(const Exit& exit, std::chrono::steady_clock::time_point start) {
  RunResult result;
  result.cpu_seconds = exit.cpu_seconds();
  result.user_seconds = exit.user_seconds;
  result.system_seconds = exit.system_seconds;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.minor_faults = exit.minor_faults;
  result.voluntary_switches = exit.voluntary_switches;
  return result;
}

RunResult FailedRun(std::string error) {
  RunResult result;
  result.error = std::move(error);
  return result;
}

// Space-separated NAME=VALUE pairs of an environment knob (none when unset).
std::vector<std::string> EnvironmentWords(const char* knob) {
  std::vector<std::string> env;
  if (knob == nullptr) return env;
  std::istringstream words(knob);
  for (std::string word; words >> word;) env.push_back(word);
  return env;
}

RunResult RunBareConsumer(const Backlog& backlog, const std::string& group, const TempDir& dir) {
  const auto start = std::chrono::steady_clock::now();
  auto child = Spawn({PINSYNC_BARE_CONSUMER, backlog.cluster->bootstraps(), kTopic, group,
                      std::to_string(backlog.events), "600"},
                     dir.path / (group + ".out"), dir.path / (group + ".err"),
                     EnvironmentWords(std::getenv("CONNECTOR_CPU_BENCH_BARE_ENV")));
  if (!child) return FailedRun("could not start bare_consumer");
  const Exit exit = WaitFor(*child, 700s);
  RunResult result = Measured(exit, start);
  if (!exit.success()) result.error = "bare_consumer failed; see " + (dir.path / group).string();
  // Written before it exited: its one line is complete by now.
  const std::string out = ReadFirstLine(dir.path / (group + ".out"), 1s).value_or("");
  result.drain.poll_thread.seconds = NamedValue(out, "poll_thread_cpu_s");
  result.drain.kafka_threads.seconds = NamedValue(out, "other_threads_cpu_s");
  result.max_rss_kb = static_cast<long>(NamedValue(out, "peak_rss_kb"));
  return result;
}

std::string PinsyncConfig(const Backlog& backlog, const std::string& group,
                          const std::string& sandbox_url, int metrics_port) {
  std::ostringstream yaml;
  yaml << "kafka:\n"
       << "  bootstrap_servers: " << backlog.cluster->bootstraps() << "\n"
       << "  group_id: " << group << "\n"
       << "  topics: [" << kTopic
       << "]\n"
       // Short sessions and request timeouts keep the handoff embargo on newly assigned
       // partitions (session + request timeout + margin) from idling every run for ~2 minutes.
       << "  properties:\n"
       << "    session.timeout.ms: \"6000\"\n"
       << "    heartbeat.interval.ms: \"1000\"\n"
       << "pinterest:\n"
       << "  api_base_url: " << sandbox_url << "\n"
       << "  ad_account_id: \"549755885175\"\n"
       << "  requests_per_minute: 100000\n"  // the budget lifted: the connector's path is timed
       << "  request_timeout: 10s\n"
       << "pipeline:\n"
       << "  handoff_margin: 1ms\n"
       << "shutdown:\n"
       << "  timeout: 300s\n"
       << "metrics:\n"
       << "  listen: 127.0.0.1:" << metrics_port << "\n";
  return yaml.str();
}

RunResult RunPinsync(const Backlog& backlog, const std::string& group, const TempDir& dir,
                     const char* extra_env, const std::string& executable) {
  auto sandbox = Spawn({PINSYNC_EXECUTABLE, "sandbox", "--host", "127.0.0.1", "--port", "0"},
                       dir.path / (group + "-sandbox.out"), dir.path / (group + "-sandbox.err"));
  if (!sandbox) return FailedRun("could not start pinsync sandbox");
  const auto sandbox_url = ReadFirstLine(dir.path / (group + "-sandbox.out"), 30s);
  if (!sandbox_url) {
    Stop(*sandbox, 10s);
    return FailedRun("pinsync sandbox printed no URL");
  }
  const int metrics_port = FreeLoopbackPort();
  const auto config_path = dir.path / (group + ".yaml");
  std::ofstream(config_path) << PinsyncConfig(backlog, group, *sandbox_url, metrics_port);

  std::vector<std::string> env = EnvironmentWords(extra_env);
  env.push_back("PINTEREST_ACCESS_TOKEN=cpu-bench-token");
  const auto start = std::chrono::steady_clock::now();
  auto pinsync = Spawn({executable, "run", "-c", config_path.string()}, dir.path / (group + ".out"),
                       dir.path / (group + ".err"), env);
  if (!pinsync) {
    Stop(*sandbox, 10s);
    return FailedRun("could not start pinsync run");
  }
  std::optional<Child> profiler;
  const char* perf = std::getenv("CONNECTOR_CPU_BENCH_PERF");
  // Drained when every message went through the pipeline; then SIGTERM, which flushes every
  // open batch to the sandbox, waits for the acknowledgements and commits: all of it counted.
  const auto deadline = start + 600s;
  bool drained = false;
  std::vector<ThreadCpu> threads;  // when drained
  while (!drained && std::chrono::steady_clock::now() < deadline && Running(*pinsync)) {
    std::this_thread::sleep_for(500ms);  // each scrape costs pinsync ~1 ms
    const auto processed = ProcessedMessages(metrics_port);
    drained = processed && *processed >= static_cast<double>(backlog.events);
    if (drained) {
      threads = ThreadCpuOf(*pinsync);
      // Kept with the logs (CONNECTOR_CPU_BENCH_KEEP_LOGS): what was buffered where, at drain.
      if (auto metrics = HttpGet(metrics_port, "/metrics")) {
        std::ofstream(dir.path / (group + "-drained.metrics")) << *metrics;
      }
    }
    if (perf != nullptr && !profiler && processed) {
      // Attached once the metrics answer: `perf record -p` samples only the threads that exist
      // when it attaches, and by then the consumer, broker and delivery threads all do.
      std::vector<std::string> args{"perf"};
      std::istringstream words(perf);
      for (std::string word; words >> word;) args.push_back(word);
      args.insert(args.end(), {"-p", std::to_string(pinsync->pid)});
      profiler = Spawn(args, dir.path / "perf.out", dir.path / "perf.err");
    }
  }
  const ThreadSplit at_drain = ThreadSplit::Of(threads);
  // Each thread's last reading: threads end one by one as the process shuts down.
  std::map<pid_t, ThreadCpu> last_seen;
  for (const ThreadCpu& thread : threads) last_seen[thread.tid] = thread;
  long peak_rss_kb = PeakResidentKb(*pinsync);
  Terminate(*pinsync);
  for (const auto stop_by = std::chrono::steady_clock::now() + 400s;
       Running(*pinsync) && std::chrono::steady_clock::now() < stop_by;) {
    for (ThreadCpu& thread : ThreadCpuOf(*pinsync)) last_seen[thread.tid] = std::move(thread);
    peak_rss_kb = std::max(peak_rss_kb, PeakResidentKb(*pinsync));
    std::this_thread::sleep_for(100ms);
  }
  std::vector<ThreadCpu> at_exit;
  for (const auto& [tid, thread] : last_seen) at_exit.push_back(thread);
  const Exit exit = WaitFor(*pinsync, 10s);
  RunResult result = Measured(exit, start);
  result.drain = at_drain;
  result.shutdown = ThreadSplit::Of(at_exit) - at_drain;
  result.max_rss_kb = peak_rss_kb;
  if (profiler) WaitFor(*profiler, 120s);
  Stop(*sandbox, 10s);
  if (!drained) result.error = "pinsync did not drain the backlog; see " + dir.path.string();
  if (!exit.success()) result.error = "pinsync run did not exit cleanly; see " + dir.path.string();
  return result;
}

void BM_ConnectorCpuPerMessage(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  Backlog& backlog = SharedBacklog();
  if (!backlog.error.empty()) {
    state.SkipWithError(("building the backlog failed: " + backlog.error).c_str());
    return;
  }
  static int run = 0;
  TempDir dir;
  RunResult bare;
  RunResult pinsync;
  RunResult b;
  const char* b_env = std::getenv("CONNECTOR_CPU_BENCH_B_ENV");
  const char* b_pinsync = std::getenv("CONNECTOR_CPU_BENCH_B_PINSYNC");
  const bool run_b = b_env != nullptr || b_pinsync != nullptr;
  for (auto _ : state) {
    ++run;
    bare = RunBareConsumer(backlog, "bare-" + std::to_string(run), dir);
    pinsync =
        RunPinsync(backlog, "pinsync-" + std::to_string(run), dir, nullptr, PINSYNC_EXECUTABLE);
    if (run_b) {
      b = RunPinsync(backlog, "pinsync-b-" + std::to_string(run), dir, b_env,
                     b_pinsync != nullptr ? b_pinsync : PINSYNC_EXECUTABLE);
    }
    if (!bare.error.empty() || !pinsync.error.empty() || !b.error.empty()) {
      state.SkipWithError((bare.error + " " + pinsync.error + " " + b.error).c_str());
      return;
    }
    state.SetIterationTime(pinsync.cpu_seconds);
  }
  const double events = static_cast<double>(backlog.events);
  const double bare_us = bare.cpu_seconds / events * 1e6;
  const double pinsync_us = pinsync.cpu_seconds / events * 1e6;
  state.counters["bare_us"] = bare_us;
  state.counters["pinsync_us"] = pinsync_us;
  state.counters["pinsync_user_us"] = pinsync.user_seconds / events * 1e6;
  state.counters["pinsync_sys_us"] = pinsync.system_seconds / events * 1e6;
  state.counters["ratio"] = pinsync_us / bare_us;
  auto per_message = [events](double seconds) { return seconds / events * 1e6; };
  auto per_thousand = [events](long count) { return static_cast<double>(count) / events * 1e3; };
  // Per 1,000 messages: fresh pages touched and waits (futex, poll), for explaining sys time.
  state.counters["bare_faults_pkm"] = per_thousand(bare.minor_faults);
  state.counters["pinsync_faults_pkm"] = per_thousand(pinsync.minor_faults);
  state.counters["bare_waits_pkm"] = per_thousand(bare.voluntary_switches);
  state.counters["pinsync_waits_pkm"] = per_thousand(pinsync.voluntary_switches);
  // Peak resident memory (pinsync's as last read, up to 100 ms before it exited).
  state.counters["bare_max_rss_mb"] = static_cast<double>(bare.max_rss_kb) / 1024;
  state.counters["pinsync_max_rss_mb"] = static_cast<double>(pinsync.max_rss_kb) / 1024;
  if (run_b) {
    state.counters["b_us"] = per_message(b.cpu_seconds);
    state.counters["b_over_a"] = b.cpu_seconds / pinsync.cpu_seconds;
    state.counters["b_faults_pkm"] = per_thousand(b.minor_faults);
    state.counters["b_waits_pkm"] = per_thousand(b.voluntary_switches);
    state.counters["b_max_rss_mb"] = static_cast<double>(b.max_rss_kb) / 1024;
  }
  state.counters["bare_poll_thread_us"] = per_message(bare.drain.poll_thread.seconds);
  state.counters["bare_kafka_threads_us"] = per_message(bare.drain.kafka_threads.seconds);
  std::vector<std::pair<std::string, ThreadSplit>> splits{{"pinsync_drain_", pinsync.drain},
                                                          {"pinsync_shutdown_", pinsync.shutdown}};
  if (run_b) {
    splits.emplace_back("b_drain_", b.drain);
    splits.emplace_back("b_shutdown_", b.shutdown);
  }
  for (const auto& [prefix, split] : splits) {
    const std::pair<const char*, const ThreadUsage&> groups[] = {
        {"consumer_thread", split.poll_thread},
        {"kafka_threads", split.kafka_threads},
        {"delivery_thread", split.delivery_thread},
        {"other_threads", split.other_threads}};
    for (const auto& [name, usage] : groups) {
      state.counters[prefix + name + "_us"] = per_message(usage.seconds);
      state.counters[prefix + name + "_faults_pkm"] = per_thousand(usage.faults);
    }
  }
  if (run_b) {
    // The paired ratio of the thread groups that do the work (B over A): a change to one
    // thread's code shows there well above the noise in which b_over_a, the whole process,
    // hides it (ninth pass).
    auto paired = [&](const char* name, const ThreadUsage& a_usage, const ThreadUsage& b_usage) {
      if (a_usage.seconds > 0) {
        state.counters[std::string("b_over_a_") + name] = b_usage.seconds / a_usage.seconds;
      }
    };
    paired("drain_consumer_thread", pinsync.drain.poll_thread, b.drain.poll_thread);
    paired("drain_kafka_threads", pinsync.drain.kafka_threads, b.drain.kafka_threads);
    paired("shutdown_consumer_thread", pinsync.shutdown.poll_thread, b.shutdown.poll_thread);
    paired("shutdown_delivery_thread", pinsync.shutdown.delivery_thread,
           b.shutdown.delivery_thread);
  }
  state.counters["bare_wall_s"] = bare.wall_seconds;
  state.counters["pinsync_wall_s"] = pinsync.wall_seconds;
  state.SetLabel(std::to_string(backlog.events) + " events, " +
                 std::to_string(backlog.bytes / backlog.events) + " B/event");
}

double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
double Max(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

BENCHMARK(BM_ConnectorCpuPerMessage)
    ->Iterations(1)
    ->Repetitions(static_cast<int>(EnvNumber("CONNECTOR_CPU_BENCH_REPETITIONS", 5)))
    ->ComputeStatistics("min", Min)
    ->ComputeStatistics("max", Max)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace pinsync::bench

BENCHMARK_MAIN();
