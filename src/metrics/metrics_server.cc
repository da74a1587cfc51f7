// MetricsServer: prometheus-cpp's Exposer behind a Result, so a bad metrics.listen is a start-up
// error with a message instead of an exception escaping from civetweb.
#include "pinsync/metrics/metrics_server.h"

#include <prometheus/exposer.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <string>
#include <utility>

namespace pinsync::metrics {

namespace {

Unexpected<MetricsError> BindFailed(std::string_view listen, std::string_view detail) {
  return {MetricsError{MetricsErrorKind::kBindFailed,
                       "metrics.listen \"" + std::string(listen) +
                           "\": cannot serve metrics there (" + std::string(detail) +
                           "); the port may be in use or the address not on this host: choose a "
                           "free port or another address"}};
}

}  // namespace

Result<std::unique_ptr<MetricsServer>, MetricsError> MetricsServer::Start(
    std::string_view listen, std::shared_ptr<prometheus::Registry> registry) {
  auto address = ParseListenAddress(listen);
  if (!address) return Unexpected{address.error()};
  if (!registry) registry = std::make_shared<prometheus::Registry>();

  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // Two threads: a scrape and a liveness probe can be answered at the same time.
    exposer = std::make_unique<prometheus::Exposer>(std::string(listen), 2);
  } catch (const std::exception& e) {
    return BindFailed(listen, e.what());
  }
  const auto ports = exposer->GetListeningPorts();
  if (ports.empty() || ports.front() <= 0 || ports.front() > 65535) {
    return BindFailed(listen, "no listening port after start");
  }

  auto health = std::make_shared<prometheus::Registry>();
  exposer->RegisterCollectable(registry, kMetricsPath);
  exposer->RegisterCollectable(health, kHealthPath);
  // The bound port matters when metrics.listen asks for port 0.
  spdlog::info("metrics: serving {} and {} on {}:{}", kMetricsPath, kHealthPath, address->host,
               ports.front());
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(std::move(exposer), std::move(registry), std::move(health),
                        std::move(address->host), static_cast<uint16_t>(ports.front())));
}

MetricsServer::MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                             std::shared_ptr<prometheus::Registry> registry,
                             std::shared_ptr<prometheus::Registry> health, std::string host,
                             uint16_t port)
    : exposer_(std::move(exposer)),
      registry_(std::move(registry)),
      health_(std::move(health)),
      host_(std::move(host)),
      port_(port) {}

// The Exposer stops civetweb (joining its threads) before the registries go away.
MetricsServer::~MetricsServer() { exposer_.reset(); }

}  // namespace pinsync::metrics
