// MetricsServer: a civetweb server behind a Result, so a bad metrics.listen is a start-up error
// with a message instead of an exception escaping from civetweb. Its own server rather than
// prometheus-cpp's Exposer, because the Exposer serves nothing but registries (no /readyz 503,
// no HTML page).
#include "pinsync/metrics/metrics_server.h"

#include <CivetServer.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "http_routes.h"
#include "pinsync/metrics/status_board.h"

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
    std::string_view listen, std::shared_ptr<prometheus::Registry> registry,
    std::shared_ptr<StatusBoard> board) {
  auto address = ParseListenAddress(listen);
  if (!address) return Unexpected{address.error()};
  if (!registry) registry = std::make_shared<prometheus::Registry>();

  auto routes = std::make_unique<HttpRoutes>(registry, std::move(board));
  std::unique_ptr<CivetServer> server;
  try {
    // Three threads: a scrape, a probe and a status page can be answered at the same time.
    const std::vector<std::string> options{"listening_ports", std::string(listen), "num_threads",
                                           "3"};
    server = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    return BindFailed(listen, e.what());
  }
  const auto ports = server->getListeningPorts();
  if (ports.empty() || ports.front() <= 0 || ports.front() > 65535) {
    return BindFailed(listen, "no listening port after start");
  }
  routes->Register(*server);
  // The bound port matters when metrics.listen asks for port 0.
  spdlog::info("metrics: serving {}, {}, {}, {} and {} on {}:{}", kMetricsPath, kHealthPath,
               kReadyPath, kStatusPath, kStatusJsonPath, address->host, ports.front());
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(std::move(routes), std::move(server), std::move(registry),
                        std::move(address->host), static_cast<uint16_t>(ports.front())));
}

MetricsServer::MetricsServer(std::unique_ptr<HttpRoutes> routes,
                             std::unique_ptr<CivetServer> server,
                             std::shared_ptr<prometheus::Registry> registry, std::string host,
                             uint16_t port)
    : routes_(std::move(routes)),
      server_(std::move(server)),
      registry_(std::move(registry)),
      host_(std::move(host)),
      port_(port) {}

// civetweb stops (joining its threads) before the handlers and the registry go away.
MetricsServer::~MetricsServer() {
  if (server_) server_->close();
  server_.reset();
}

}  // namespace pinsync::metrics
