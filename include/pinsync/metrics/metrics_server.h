#pragma once
// The metrics port: one HTTP server (civetweb, as inside prometheus-cpp's Exposer) that serves
// every pinsync_* metric of one shared registry on /metrics (Prometheus text format), liveness on
// /healthz, readiness on /readyz, the status page on / and its data on /status.json (from a
// StatusBoard the consumer thread publishes to). Components never see the server: they build
// their stats structs from the registry.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"

class CivetServer;

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace pinsync::metrics {

enum class MetricsErrorKind : uint8_t {
  kInvalidAddress,  // metrics.listen is not host:port
  kBindFailed,      // the address is taken, not local, or not permitted
};

// Short stable reason, for logs and tests.
std::string_view Reason(MetricsErrorKind kind);

struct MetricsError {
  MetricsErrorKind kind = MetricsErrorKind::kInvalidAddress;
  std::string message;  // what was wrong, where, and what to do
};

// metrics.listen split into its parts. IPv6 hosts are written in brackets: "[::1]:9464".
struct ListenAddress {
  std::string host;
  uint16_t port = 0;  // 0: any free port (tests)
};

// Parses "host:port" (port 0..65535). The error names the key and the accepted form.
Result<ListenAddress, MetricsError> ParseListenAddress(std::string_view text);

class StatusBoard;
struct HttpRoutes;

class MetricsServer {
 public:
  static constexpr const char* kMetricsPath = "/metrics";
  static constexpr const char* kHealthPath = "/healthz";
  static constexpr const char* kReadyPath = "/readyz";
  static constexpr const char* kStatusPath = "/";
  static constexpr const char* kStatusJsonPath = "/status.json";

  // Binds `listen` (metrics.listen) and serves `registry` on /metrics until destroyed, and the
  // readiness and status pages from `board` (null: never ready, an empty status page).
  // Never throws: an invalid or taken address comes back as a MetricsError.
  static Result<std::unique_ptr<MetricsServer>, MetricsError> Start(
      std::string_view listen, std::shared_ptr<prometheus::Registry> registry,
      std::shared_ptr<StatusBoard> board = nullptr);

  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The port actually bound: the configured one, or the one the OS chose for port 0.
  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  MetricsServer(std::unique_ptr<HttpRoutes> routes, std::unique_ptr<CivetServer> server,
                std::shared_ptr<prometheus::Registry> registry, std::string host, uint16_t port);

  std::unique_ptr<HttpRoutes> routes_;  // outlives server_, which calls into it
  std::unique_ptr<CivetServer> server_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::string host_;
  uint16_t port_ = 0;
};

}  // namespace pinsync::metrics
