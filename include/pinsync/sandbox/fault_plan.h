#pragma once
// Fault injection for the sandbox, kept apart from HTTP so every fault is unit-tested with a
// ManualClock: per-account rate limits, random 500/503 answers, added latency, dropped
// connections, a forbidden ad account. Token expiry lives in TokenBook; its threshold is here.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "pinsync/common/clock.h"
#include "pinsync/sandbox/api_error.h"

namespace pinsync::sandbox {

struct FaultSpec {
  int rate_limit_per_second = 0;  // requests per ad account per second; 0: no limit
  int rate_limit_per_minute = 0;  // per minute; used when rate_limit_per_second is 0
  double error_rate = 0;          // share of requests answered 500 or 503 (half each)
  int latency_ms = 0;             // added before every /v5 answer
  double drop_rate = 0;           // share of /v5 connections closed without an answer
  int expire_token_after = 0;     // requests one access token may make; 0: never expires
  std::string forbid_account;     // this ad account gets 403 on every request
  uint64_t seed = 1;              // for error_rate and drop_rate

  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

// The outcome of counting one request against its account's rate limit.
struct RateVerdict {
  bool configured = false;  // false: no limit, no headers
  bool limited = false;     // true: answer 429
  int limit = 0;            // X-RateLimit-Limit
  int remaining = 0;        // X-RateLimit-Remaining, after this request
  int reset_seconds = 0;    // X-RateLimit-Reset and Retry-After: until the window ends
};

class FaultPlan {
 public:
  FaultPlan(FaultSpec spec, const Clock& clock);

  // Replaces the spec; rate windows and the random sequence restart.
  void Reconfigure(FaultSpec spec);
  FaultSpec spec() const;

  std::chrono::milliseconds Latency() const;
  // Draws whether to drop this connection.
  bool ShouldDrop();
  bool IsForbidden(const std::string& ad_account_id) const;
  // Counts one request against the account's fixed window (1 s or 60 s, aligned to the clock).
  RateVerdict Admit(const std::string& ad_account_id);
  // The account's current standing without counting a request (for answers given before
  // admission, such as 401 and 403, which still carry the rate headers).
  RateVerdict Peek(const std::string& ad_account_id);
  // Draws whether to fail this request with kInternal (500) or kUnavailable (503).
  std::optional<ApiErrc> InjectedError();

 private:
  struct Window {
    int64_t index = -1;
    int count = 0;
  };
  bool Draw(double probability);                                    // requires mutex_
  RateVerdict Count(const std::string& ad_account_id, bool admit);  // requires mutex_

  const Clock& clock_;
  mutable std::mutex mutex_;
  FaultSpec spec_;
  std::mt19937_64 rng_;
  std::map<std::string, Window> windows_;
};

}  // namespace pinsync::sandbox
