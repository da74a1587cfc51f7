#pragma once
// The HTTP seam: the delivery engine starts requests and a Poll step completes them through
// callbacks, all on one thread. The real implementation is one libcurl multi handle; tests use a
// fake that records requests and answers them by hand.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pinsync/common/result.h"
#include "pinsync/config/config.h"

namespace pinsync::pinterest {

enum class HttpMethod : uint8_t { kGet, kPost, kPatch };

std::string_view ToString(HttpMethod m);

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{60000};
};

// Failures below HTTP: no status line was received.
enum class TransportError : uint8_t {
  kNone,
  kTimeout,     // connect or total timeout elapsed
  kConnection,  // refused, reset, dropped, DNS, nothing received
  kTls,         // handshake or certificate verification failed
  kOther,       // a request the transport could not even start (bad URL, out of memory)
};

std::string_view ToString(TransportError e);

struct HttpResponse {
  TransportError error = TransportError::kNone;
  std::string error_detail;                    // the transport's message when error != kNone
  long status = 0;                             // HTTP status when error == kNone
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;

  // The header's value, or empty.
  const std::string& Header(const std::string& lowercase_name) const;
};

using HttpCallback = std::function<void(HttpResponse)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Starts a request; `done` runs exactly once, from inside a later Poll() (never from Start).
  virtual void Start(HttpRequest request, HttpCallback done) = 0;
  // Moves requests forward, runs the callbacks of finished ones, and waits up to `max_wait`
  // for activity or Wakeup().
  virtual void Poll(std::chrono::milliseconds max_wait) = 0;
  // Ends a Poll() wait early. The one method safe to call from another thread.
  virtual void Wakeup() = 0;
  // Requests started whose callback has not run yet.
  virtual size_t InFlight() const = 0;
};

// One libcurl multi handle: keep-alive, HTTP/2 where offered, TLS verification always on;
// `pinterest.ca_bundle` (when set) replaces the system CA store.
Result<std::unique_ptr<HttpTransport>> MakeCurlTransport(const config::PinterestConfig& config);

}  // namespace pinsync::pinterest
