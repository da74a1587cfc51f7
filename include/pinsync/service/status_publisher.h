#pragma once
// Assembles the StatusSnapshot on the consumer thread (where the pipeline may be read) from the
// pipeline's per-audience figures, the sink's view of Pinterest, the registry's process gauges
// and the configuration, and publishes it to the StatusBoard the HTTP threads read.

#include <chrono>
#include <deque>
#include <optional>
#include <utility>

#include "pinsync/common/clock.h"
#include "pinsync/config/config.h"
#include "pinsync/connector/sync_pipeline.h"
#include "pinsync/metrics/status_board.h"
#include "pinsync/pinterest/batch_sink.h"

namespace prometheus {
class Gauge;
class Registry;
}  // namespace prometheus

namespace pinsync::service {

class StatusPublisher {
 public:
  // Everything must outlive the publisher. `started_unix`: process start, wall clock.
  StatusPublisher(const config::Config& config, const Clock& clock,
                  connector::SyncPipeline& pipeline, const pinterest::BatchSink& sink,
                  prometheus::Registry& registry, metrics::StatusBoard& board, double started_unix);

  // Publishes (and sets pinsync_ready) at most once per `interval` (the page's figures are a second
  // old at worst).
  void MaybePublish(std::chrono::milliseconds interval = std::chrono::seconds(1));
  void Publish();
  // Assembles without publishing (tests).
  metrics::StatusSnapshot Assemble();

 private:
  const config::Config& config_;
  const Clock& clock_;
  connector::SyncPipeline& pipeline_;
  const pinterest::BatchSink& sink_;
  prometheus::Registry& registry_;
  metrics::StatusBoard& board_;
  prometheus::Gauge& ready_;  // pinsync_ready: 1 while /readyz answers 200
  double started_unix_;
  std::optional<SteadyTime> published_at_;
  // (when, requests sent so far), for the requests of the last minute.
  std::deque<std::pair<SteadyTime, double>> request_samples_;
};

}  // namespace pinsync::service
