// Parsing metrics.listen before civetweb sees it, so a typo is a clear configuration error
// rather than civetweb's generic "cannot bind".
#include <charconv>
#include <string>

#include "pinsync/metrics/metrics_server.h"

namespace pinsync::metrics {

namespace {

Unexpected<MetricsError> InvalidAddress(std::string_view text, std::string_view why) {
  return {MetricsError{MetricsErrorKind::kInvalidAddress,
                       "metrics.listen \"" + std::string(text) +
                           "\" is invalid: " + std::string(why) +
                           "; write host:port, e.g. 0.0.0.0:9464, 127.0.0.1:0 or [::1]:9464"}};
}

}  // namespace

std::string_view Reason(MetricsErrorKind kind) {
  switch (kind) {
    case MetricsErrorKind::kInvalidAddress:
      return "invalid_address";
    case MetricsErrorKind::kBindFailed:
      return "bind_failed";
  }
  return "unknown";
}

Result<ListenAddress, MetricsError> ParseListenAddress(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return InvalidAddress(text, "no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return InvalidAddress(text, "unclosed IPv6 bracket");
  } else if (host.find(':') != std::string_view::npos) {
    return InvalidAddress(text, "an IPv6 host must be in brackets");
  }
  if (host.empty()) return InvalidAddress(text, "empty host");
  for (char c : host) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '[' ||
                         c == ']';
    if (!allowed) return InvalidAddress(text, "the host has characters no address has");
  }

  if (port_text.empty()) return InvalidAddress(text, "empty port");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size()) {
    return InvalidAddress(text, "the port is not a number");
  }
  if (port > 65535) return InvalidAddress(text, "the port is above 65535");
  return ListenAddress{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace pinsync::metrics
