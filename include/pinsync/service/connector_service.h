#pragma once
// Assembles the running service from a validated Config: the Kafka consumer and dead-letter
// producer, the Pinterest BatchSink, the metrics endpoint, the SyncPipeline and the Connector.
// `pinsync run` and `pinsync demo` both start exactly this.

#include <atomic>
#include <cstdint>
#include <memory>

#include "pinsync/common/clock.h"
#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/connector/connector.h"

namespace prometheus {
class Registry;
}

namespace pinsync::service {

struct ServiceOptions {
  // Serve metrics, /readyz and the status page on config.metrics.listen. Off for in-process runs
  // (tests) that would otherwise compete for the port.
  bool serve_metrics = true;
};

class ConnectorService {
 public:
  // Connects nothing yet beyond creating the clients; an error names what could not be built.
  static Result<std::unique_ptr<ConnectorService>> Create(config::Config config,
                                                          ServiceOptions options = {});
  ~ConnectorService();

  // Runs until `stop` is set, then shuts down gracefully (bounded by shutdown.timeout).
  connector::StopReason Run(const std::atomic<bool>& stop);

  // Totals, readable after Run returns (the pipeline runs on Run's thread).
  const connector::PipelineCounters& counters() const;
  std::shared_ptr<prometheus::Registry> registry() const;
  // The port metrics, /readyz and the status page are served on; 0 without serve_metrics.
  uint16_t metrics_port() const;

  struct Parts;

 private:
  explicit ConnectorService(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace pinsync::service
