#pragma once
// A token bucket per ad account, shared by all its lists. Pure: time is passed in, so tests run
// hours of traffic against a ManualClock.

#include <chrono>
#include <optional>

#include "pinsync/common/clock.h"

namespace pinsync::pinterest {

class TokenBucket {
 public:
  // `requests_per_minute` refills continuously; the bucket holds at most `burst` tokens.
  TokenBucket(int requests_per_minute, double burst, SteadyTime now);

  // Default burst: a few seconds' worth, at least one request.
  static double DefaultBurst(int requests_per_minute);

  // Takes one token if the account may send now (not paused, a token available).
  bool TryAcquire(SteadyTime now);
  // When TryAcquire could next succeed (now if it would succeed now).
  SteadyTime NextAvailable(SteadyTime now) const;

  // From now on: a burst of DefaultBurst(requests_per_minute) and a refill rate of
  // requests_per_minute less that burst, so that no 60-second window ever holds more than
  // `requests_per_minute` requests, burst included (a budget shared exactly by several members
  // never adds up to a 429). Tokens above the new burst are dropped.
  void SetRate(double requests_per_minute, SteadyTime now);
  double requests_per_minute() const { return rate_per_second_ * 60.0; }

  // A 429: send nothing until `until`, then start again from an empty bucket.
  void PauseUntil(SteadyTime until);
  // X-RateLimit-Remaining / -Reset from a response: when few requests remain in Pinterest's
  // window, spread them over the time left instead of bursting into a 429.
  void ObserveServerLimit(long remaining, Duration until_reset, SteadyTime now);

  double tokens(SteadyTime now) const;
  double burst() const { return burst_; }

 private:
  void Refill(SteadyTime now);
  double CurrentRatePerSecond(SteadyTime now) const;

  double rate_per_second_;
  double burst_;
  double tokens_;
  SteadyTime last_refill_;
  SteadyTime paused_until_{};
  // While Pinterest says its window is nearly spent: a slower rate until the window resets.
  std::optional<double> slowed_rate_per_second_;
  SteadyTime slowed_until_{};
};

}  // namespace pinsync::pinterest
