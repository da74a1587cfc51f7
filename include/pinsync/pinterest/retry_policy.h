#pragma once
// What an answer from Pinterest means for the request that got it, and how long to wait before
// trying again. Pure and deterministic (the jitter's RNG is seeded by the caller).

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "pinsync/common/clock.h"
#include "pinsync/pinterest/http_transport.h"

namespace pinsync::pinterest {

enum class ResponseClass : uint8_t {
  kSuccess,       // 2xx
  kRetryable,     // 5xx, timeout, connection or TLS failure, 408: try again after a backoff
  kRateLimited,   // 429: pause the ad account for Retry-After, then try again
  kBadRequest,    // 400: the body was refused; split the records to isolate the bad ones
  kUnauthorized,  // 401: refresh the access token (static token: hold the account)
  kForbidden,     // 403: stop sending for this ad account, holding its data
  kNotFound,      // 404: the list (or account) is gone; permanent for this request
  kPermanent,     // any other 4xx, or a request the transport could not start
};

std::string_view ToString(ResponseClass c);

ResponseClass Classify(const HttpResponse& response);

// The bounded label for metrics: "2xx", "4xx", "429", "5xx", "transport".
std::string_view StatusClassLabel(const HttpResponse& response);

// Retry-After in seconds (the only form Pinterest sends); nullopt when absent or unparsable.
std::optional<Duration> ParseRetryAfter(const HttpResponse& response);

// X-RateLimit-Remaining and the time until X-RateLimit-Reset (delta seconds, or epoch seconds
// when the value is that large), when both are present.
struct ServerLimit {
  long remaining = 0;
  Duration until_reset{};
};
std::optional<ServerLimit> ParseServerLimit(const HttpResponse& response, int64_t wall_millis);

// Exponential backoff with full jitter: attempt n (0-based) waits uniform[0, min(cap,
// initial*2^n)].
class Backoff {
 public:
  Backoff(Duration initial, Duration cap, uint64_t seed);
  Duration Next(int attempt);

 private:
  Duration initial_;
  Duration cap_;
  std::mt19937_64 rng_;
};

// Why a batch ended in kFailed: the short stable reason in DeliveryOutcome::reason.
enum class FailureReason : uint8_t {
  kRetryExhausted,  // retryable errors for longer than retry_max_duration
  kHttp400,         // a 400 outside record updates (listing, creating without records)
  kHttp404,         // the customer list or account does not exist
  kHttp4xx,         // another permanent 4xx
  kTransport,       // a request the transport could not start
  kBadResponse,     // a 2xx whose body was not what the contract says
};

std::string_view ReasonString(FailureReason r);

}  // namespace pinsync::pinterest
