#pragma once
// The Prometheus scrape endpoint: one HTTP server (prometheus-cpp's Exposer, civetweb inside) that
// serves every pinsync_* metric of one shared registry on /metrics, and a liveness page on
// /healthz. Components never see the server: they build their stats structs from the registry.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"

namespace prometheus {
class Exposer;
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

class MetricsServer {
 public:
  static constexpr const char* kMetricsPath = "/metrics";
  static constexpr const char* kHealthPath = "/healthz";

  // Binds `listen` (metrics.listen) and serves `registry` on /metrics until destroyed.
  // Never throws: an invalid or taken address comes back as a MetricsError.
  static Result<std::unique_ptr<MetricsServer>, MetricsError> Start(
      std::string_view listen, std::shared_ptr<prometheus::Registry> registry);

  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The port actually bound: the configured one, or the one the OS chose for port 0.
  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                std::shared_ptr<prometheus::Registry> registry,
                std::shared_ptr<prometheus::Registry> health, std::string host, uint16_t port);

  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  // /healthz serves this registry: a 200 answer proves the HTTP server thread is alive.
  std::shared_ptr<prometheus::Registry> health_;
  std::string host_;
  uint16_t port_ = 0;
};

}  // namespace pinsync::metrics
