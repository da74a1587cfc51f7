#pragma once
// `pinsync demo`: the whole product on one machine, end to end, with a verdict. It starts the
// embedded Kafka cluster (librdkafka's mock, on loopback) and the Pinterest sandbox, publishes a
// generated stream, runs the real connector (the same ConnectorService as `pinsync run`) with
// short windows until every offset is committed, then checks the sandbox against the stream's
// ground truth and the dead-letter topic against the malformed messages it published.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "pinsync/demo/membership_stream.h"

namespace pinsync::demo {

struct DemoOptions {
  StreamOptions stream;
  int partitions = 6;
  size_t max_records = 2000;                // batching.max_records, small so size flushes show
  std::chrono::milliseconds max_age{1500};  // batching.max_age, short so the demo ends quickly
  std::chrono::seconds timeout{120};        // give up (and fail) after this long
  bool progress = true;
  // Where the status page (and /metrics, /status.json, /readyz) is served while the demo runs:
  // loopback only; port 0 picks a free one. The address is printed.
  std::string status_listen = "127.0.0.1:0";
  // Set (--hold): after the verdict, keep serving the status page until it becomes true (Ctrl-C).
  const std::atomic<bool>* hold_until = nullptr;
};

// Runs the demo, printing progress and the final table to `out`. Returns the exit code: 0 when
// the sandbox matches the ground truth and every malformed message was dead-lettered.
int RunDemo(const DemoOptions& options, std::FILE* out);

}  // namespace pinsync::demo
