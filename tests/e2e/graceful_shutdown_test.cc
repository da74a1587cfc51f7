// Graceful shutdown: `pinsync run` as a child process with batches open (a long max_age), sent
// SIGTERM once it has consumed everything. It must flush the open batches, wait for Pinterest,
// commit, and exit 0 within shutdown.timeout.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "e2e/connector_process.h"
#include "e2e/e2e_fixture.h"

namespace pinsync::e2e {
namespace {

// A loopback port free right now (the OS's pick for port 0), for the child's metrics endpoint.
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  int port = -1;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

// GET /metrics over a plain socket; empty if it cannot be read.
std::string ScrapeMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval timeout{.tv_sec = 2, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string body;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      for (int reads = 0; reads < 10000; ++reads) {
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        body.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  close(fd);
  return body;
}

// The sum of a metric's samples (all label sets) in a Prometheus text exposition.
double MetricSum(const std::string& exposition, const std::string& name) {
  std::istringstream lines(exposition);
  std::string line;
  double sum = 0;
  while (std::getline(lines, line)) {
    if (!line.starts_with(name)) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != ' ' && next != '{') continue;
    const size_t space = line.rfind(' ');
    if (space != std::string::npos) sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

TEST_F(E2eTest, GracefulShutdownFlushesOpenBatchesCommitsAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(4));
  demo::MembershipStream stream(
      {.events = 2000, .audiences = 3, .seed = 1530, .malformed_share = 0.005});
  ASSERT_NO_FATAL_FAILURE(ProduceFrom(stream));

  const std::string group = "e2e-graceful-shutdown";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 1'000'000;          // batches stay open...
  cfg.batching.max_age = std::chrono::hours(1);  // ...until the shutdown flushes them
  cfg.shutdown.timeout = 15s;
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  cfg.metrics.listen = fmt::format("127.0.0.1:{}", port);
  const std::string dir = TempDir();
  const std::string log = dir + "/pinsync.log";
  auto process = ConnectorProcess::Spawn(cfg, dir + "/pinsync.yaml", log);
  ASSERT_NE(process, nullptr);

  // Consumed: the child's own counter says every message was taken from Kafka.
  const double total = static_cast<double>(stream.produced());
  double consumed = 0;
  const bool all_consumed = WaitFor(
      [&] {
        consumed = MetricSum(ScrapeMetrics(port), "pinsync_kafka_messages_consumed_total");
        return consumed >= total || process->Poll().has_value();
      },
      90s, 200ms);
  ASSERT_TRUE(all_consumed && consumed >= total)
      << "consumed " << consumed << " of " << total << "\n"
      << ReadLogTail(log);
  // The batches are open: nothing has reached Pinterest's lists, nothing valid is committed.
  EXPECT_TRUE(sandbox_->Lists().empty()) << "a batch was flushed before the shutdown";
  EXPECT_NE(CommitGap(group), "");

  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_TRUE(process->Signal(SIGTERM));
  const auto exit_code = process->WaitExit(cfg.shutdown.timeout + 5s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  ASSERT_TRUE(exit_code.has_value()) << "still running after shutdown.timeout\n"
                                     << ReadLogTail(log);
  EXPECT_EQ(*exit_code, 0) << ReadLogTail(log);
  EXPECT_LE(took, cfg.shutdown.timeout + 2s);
  // Flushed, acknowledged and committed before exiting: no waiting here.
  ExpectFinalState(stream, group);
  ExpectDeadLetters(stream);
}

}  // namespace
}  // namespace pinsync::e2e
