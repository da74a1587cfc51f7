#include "pinsync/pinterest/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace pinsync::pinterest {

namespace {
double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

TokenBucket::TokenBucket(int requests_per_minute, double burst, SteadyTime now)
    : rate_per_second_(std::max(1, requests_per_minute) / 60.0),
      burst_(std::max(1.0, burst)),
      tokens_(burst_),
      last_refill_(now) {}

double TokenBucket::DefaultBurst(int requests_per_minute) {
  // Three seconds' worth: smooths the start of a flush without a visible spike.
  return std::max(1.0, std::floor(std::max(1, requests_per_minute) / 60.0 * 3.0));
}

double TokenBucket::CurrentRatePerSecond(SteadyTime now) const {
  if (slowed_rate_per_second_ && now < slowed_until_) {
    return std::min(rate_per_second_, *slowed_rate_per_second_);
  }
  return rate_per_second_;
}

void TokenBucket::Refill(SteadyTime now) {
  if (now <= last_refill_) return;
  SteadyTime from = std::max(last_refill_, paused_until_);
  if (now > from) {
    // A slowdown ending inside the interval: the slow rate up to its end, the normal after.
    if (slowed_rate_per_second_ && from < slowed_until_) {
      SteadyTime slow_end = std::min(now, slowed_until_);
      tokens_ += Seconds(slow_end - from) * CurrentRatePerSecond(from);
      if (now > slow_end) tokens_ += Seconds(now - slow_end) * rate_per_second_;
    } else {
      tokens_ += Seconds(now - from) * rate_per_second_;
    }
    tokens_ = std::min(tokens_, burst_);
  }
  last_refill_ = now;
  if (slowed_rate_per_second_ && now >= slowed_until_) slowed_rate_per_second_.reset();
}

bool TokenBucket::TryAcquire(SteadyTime now) {
  if (now < paused_until_) return false;
  Refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

SteadyTime TokenBucket::NextAvailable(SteadyTime now) const {
  if (now < paused_until_) return paused_until_;
  double have = tokens(now);
  if (have >= 1.0) return now;
  double rate = CurrentRatePerSecond(now);
  if (rate <= 0.0) return slowed_until_;
  auto wait = std::chrono::duration<double>((1.0 - have) / rate);
  return now + std::chrono::duration_cast<Duration>(wait) + Duration(1);
}

void TokenBucket::SetRate(double requests_per_minute, SteadyTime now) {
  Refill(now);
  const double rpm = std::max(requests_per_minute, 1.0);
  burst_ = std::max(1.0, std::floor(rpm / 60.0 * 3.0));
  rate_per_second_ = std::max(rpm - burst_, 0.5) / 60.0;
  tokens_ = std::min(tokens_, burst_);
}

void TokenBucket::PauseUntil(SteadyTime until) {
  if (until > paused_until_) paused_until_ = until;
  tokens_ = 0.0;
}

void TokenBucket::ObserveServerLimit(long remaining, Duration until_reset, SteadyTime now) {
  if (remaining < 0 || until_reset <= Duration::zero()) return;
  if (static_cast<double>(remaining) >= burst_) return;  // plenty left: our own rate suffices
  Refill(now);
  if (remaining == 0) {
    PauseUntil(now + until_reset);
    return;
  }
  // One now, the rest spread evenly: never more than `remaining` before the reset.
  tokens_ = std::min(tokens_, 1.0);
  slowed_rate_per_second_ = static_cast<double>(remaining - 1) / Seconds(until_reset);
  slowed_until_ = now + until_reset;
}

double TokenBucket::tokens(SteadyTime now) const {
  TokenBucket copy = *this;
  copy.Refill(now);
  return now < paused_until_ ? 0.0 : copy.tokens_;
}

}  // namespace pinsync::pinterest
