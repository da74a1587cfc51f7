#pragma once
// The metrics port's pages as civetweb handlers: /metrics (Prometheus text format), /healthz
// (alive), /readyz (ready to take traffic), / (the status page) and /status.json. Internal to
// pinsync_metrics; MetricsServer registers them.

#include <CivetServer.h>

#include <memory>

namespace prometheus {
class Registry;
}

namespace pinsync::metrics {

class StatusBoard;

struct HttpRoutes {
  // Both may be null: no registry serves an empty scrape; no board: /readyz is never ready and
  // the status page says nothing was published.
  HttpRoutes(std::shared_ptr<prometheus::Registry> registry, std::shared_ptr<StatusBoard> board);
  ~HttpRoutes();
  void Register(CivetServer& server);

  struct Handler;
  std::unique_ptr<Handler> metrics, health, ready, page, json;
};

}  // namespace pinsync::metrics
