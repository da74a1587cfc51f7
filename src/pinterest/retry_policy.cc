#include "pinsync/pinterest/retry_policy.h"

#include <algorithm>
#include <charconv>

namespace pinsync::pinterest {

std::string_view ToString(ResponseClass c) {
  switch (c) {
    case ResponseClass::kSuccess:
      return "success";
    case ResponseClass::kRetryable:
      return "retryable";
    case ResponseClass::kRateLimited:
      return "rate_limited";
    case ResponseClass::kBadRequest:
      return "bad_request";
    case ResponseClass::kUnauthorized:
      return "unauthorized";
    case ResponseClass::kForbidden:
      return "forbidden";
    case ResponseClass::kNotFound:
      return "not_found";
    case ResponseClass::kPermanent:
      return "permanent";
  }
  return "?";
}

ResponseClass Classify(const HttpResponse& response) {
  switch (response.error) {
    case TransportError::kNone:
      break;
    case TransportError::kTimeout:
    case TransportError::kConnection:
    case TransportError::kTls:
      return ResponseClass::kRetryable;
    case TransportError::kOther:
      return ResponseClass::kPermanent;
  }
  const long s = response.status;
  if (s >= 200 && s < 300) return ResponseClass::kSuccess;
  if (s == 429) return ResponseClass::kRateLimited;
  if (s == 400) return ResponseClass::kBadRequest;
  if (s == 401) return ResponseClass::kUnauthorized;
  if (s == 403) return ResponseClass::kForbidden;
  if (s == 404) return ResponseClass::kNotFound;
  if (s == 408) return ResponseClass::kRetryable;
  if (s >= 500 && s < 600) return ResponseClass::kRetryable;
  // 1xx/3xx never reach here (curl follows nothing and consumes 100-continue): treat as retryable
  // protocol noise rather than dropping data.
  if (s < 400) return ResponseClass::kRetryable;
  return ResponseClass::kPermanent;
}

std::string_view StatusClassLabel(const HttpResponse& response) {
  if (response.error != TransportError::kNone) return "transport";
  const long s = response.status;
  if (s == 429) return "429";
  if (s >= 200 && s < 300) return "2xx";
  if (s >= 400 && s < 500) return "4xx";
  if (s >= 500 && s < 600) return "5xx";
  return "other";
}

namespace {
std::optional<long long> ParseInteger(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  // Some servers send decimals ("1.5"): the integer part, rounded up below, is enough.
  auto dot = text.find('.');
  bool fractional = dot != std::string_view::npos;
  std::string_view whole = fractional ? text.substr(0, dot) : text;
  long long v = 0;
  auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), v);
  if (ec != std::errc() || ptr != whole.data() + whole.size() || whole.empty()) return std::nullopt;
  if (fractional && text.size() > dot + 1 &&
      text.substr(dot + 1).find_first_not_of('0') != std::string_view::npos) {
    ++v;
  }
  return v;
}
}  // namespace

std::optional<Duration> ParseRetryAfter(const HttpResponse& response) {
  auto v = ParseInteger(response.Header("retry-after"));
  if (!v || *v < 0) return std::nullopt;
  // A day is far beyond anything Pinterest sends; cap to keep arithmetic sane.
  return std::chrono::seconds(std::min<long long>(*v, 86400));
}

std::optional<ServerLimit> ParseServerLimit(const HttpResponse& response, int64_t wall_millis) {
  auto remaining = ParseInteger(response.Header("x-ratelimit-remaining"));
  auto reset = ParseInteger(response.Header("x-ratelimit-reset"));
  if (!remaining || !reset || *remaining < 0 || *reset < 0) return std::nullopt;
  long long reset_seconds = *reset;
  if (reset_seconds > 1'000'000'000) {  // an epoch timestamp, not a delta
    reset_seconds = std::max<long long>(0, reset_seconds - wall_millis / 1000);
  }
  reset_seconds = std::min<long long>(reset_seconds, 3600);
  return ServerLimit{static_cast<long>(*remaining), std::chrono::seconds(reset_seconds)};
}

Backoff::Backoff(Duration initial, Duration cap, uint64_t seed)
    : initial_(std::max(initial, Duration(1))), cap_(std::max(cap, initial_)), rng_(seed) {}

Duration Backoff::Next(int attempt) {
  Duration ceiling = initial_;
  for (int i = 0; i < attempt && ceiling < cap_; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap_);
  std::uniform_int_distribution<int64_t> dist(0, ceiling.count());
  return Duration(dist(rng_));
}

std::string_view ReasonString(FailureReason r) {
  switch (r) {
    case FailureReason::kRetryExhausted:
      return "retry_exhausted";
    case FailureReason::kHttp400:
      return "http_400";
    case FailureReason::kHttp404:
      return "http_404";
    case FailureReason::kHttp4xx:
      return "http_4xx";
    case FailureReason::kTransport:
      return "transport";
    case FailureReason::kBadResponse:
      return "bad_response";
  }
  return "?";
}

}  // namespace pinsync::pinterest
