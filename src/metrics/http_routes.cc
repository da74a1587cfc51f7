#include "http_routes.h"

#include <civetweb.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <functional>
#include <string>

#include "pinsync/metrics/status_board.h"
#include "pinsync/metrics/status_page.h"

namespace pinsync::metrics {

// One answer of a route. Named (not in the anonymous namespace) because HttpRoutes::Handler holds
// a function returning it; a unity build would otherwise give the handler internal linkage parts.
struct RouteResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

namespace {

void Send(mg_connection* conn, const RouteResponse& r) {
  const char* text = r.status == 200 ? "OK" : r.status == 503 ? "Service Unavailable" : "Error";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n",
            r.status, text, r.content_type.c_str(), r.body.size());
  mg_write(conn, r.body.data(), r.body.size());
}

constexpr const char* kText = "text/plain; charset=utf-8";

// A snapshot to render when nothing was published yet: the page still answers.
StatusSnapshot Empty() { return StatusSnapshot{}; }

}  // namespace

struct HttpRoutes::Handler final : CivetHandler {
  explicit Handler(std::function<RouteResponse()> answer) : answer_(std::move(answer)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override {
    Send(conn, answer_());
    return true;
  }
  std::function<RouteResponse()> answer_;
};

HttpRoutes::HttpRoutes(std::shared_ptr<prometheus::Registry> registry,
                       std::shared_ptr<StatusBoard> board) {
  metrics = std::make_unique<Handler>([registry] {
    const std::string body =
        registry ? prometheus::TextSerializer().Serialize(registry->Collect()) : std::string();
    return RouteResponse{200, "text/plain; version=0.0.4; charset=utf-8", body};
  });
  health = std::make_unique<Handler>([] { return RouteResponse{200, kText, "ok\n"}; });
  ready = std::make_unique<Handler>([board] {
    const Readiness r =
        board ? board->CurrentReadiness() : Readiness{false, "no status source: readiness unknown"};
    return RouteResponse{r.ready ? 200 : 503, kText, r.reason + "\n"};
  });
  page = std::make_unique<Handler>([board] {
    auto latest = board ? board->Latest() : nullptr;
    const Readiness r = board ? board->CurrentReadiness() : Readiness{false, "no status source"};
    return RouteResponse{200, "text/html; charset=utf-8",
                         RenderStatusPage(latest ? *latest : Empty(), r)};
  });
  json = std::make_unique<Handler>([board] {
    auto latest = board ? board->Latest() : nullptr;
    const Readiness r = board ? board->CurrentReadiness() : Readiness{false, "no status source"};
    return RouteResponse{200, "application/json", RenderStatusJson(latest ? *latest : Empty(), r)};
  });
}

HttpRoutes::~HttpRoutes() = default;

void HttpRoutes::Register(CivetServer& server) {
  // civetweb matches handler URIs by prefix; a trailing $ makes them exact.
  server.addHandler("/metrics$", *metrics);
  server.addHandler("/healthz$", *health);
  server.addHandler("/readyz$", *ready);
  server.addHandler("/$", *page);
  server.addHandler("/status.json$", *json);
}

}  // namespace pinsync::metrics
