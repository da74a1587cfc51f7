#include "pinsync/sandbox/fault_plan.h"

#include <algorithm>

namespace pinsync::sandbox {

FaultPlan::FaultPlan(FaultSpec spec, const Clock& clock)
    : clock_(clock), spec_(std::move(spec)), rng_(spec_.seed) {}

void FaultPlan::Reconfigure(FaultSpec spec) {
  std::lock_guard lock(mutex_);
  spec_ = std::move(spec);
  rng_.seed(spec_.seed);
  windows_.clear();
}

FaultSpec FaultPlan::spec() const {
  std::lock_guard lock(mutex_);
  return spec_;
}

std::chrono::milliseconds FaultPlan::Latency() const {
  std::lock_guard lock(mutex_);
  return std::chrono::milliseconds(std::max(0, spec_.latency_ms));
}

bool FaultPlan::Draw(double probability) {
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < probability;
}

bool FaultPlan::ShouldDrop() {
  std::lock_guard lock(mutex_);
  return Draw(spec_.drop_rate);
}

bool FaultPlan::IsForbidden(const std::string& ad_account_id) const {
  std::lock_guard lock(mutex_);
  return !spec_.forbid_account.empty() && spec_.forbid_account == ad_account_id;
}

RateVerdict FaultPlan::Admit(const std::string& ad_account_id) {
  std::lock_guard lock(mutex_);
  return Count(ad_account_id, true);
}

RateVerdict FaultPlan::Peek(const std::string& ad_account_id) {
  std::lock_guard lock(mutex_);
  return Count(ad_account_id, false);
}

RateVerdict FaultPlan::Count(const std::string& ad_account_id, bool admit) {
  RateVerdict verdict;
  int limit = spec_.rate_limit_per_second;
  std::chrono::nanoseconds window_length = std::chrono::seconds(1);
  if (limit <= 0) {
    limit = spec_.rate_limit_per_minute;
    window_length = std::chrono::minutes(1);
  }
  if (limit <= 0) return verdict;
  verdict.configured = true;
  verdict.limit = limit;

  // Fixed windows aligned to the clock, like X-RateLimit-Reset: the count restarts at each edge.
  const int64_t now = clock_.Now().time_since_epoch().count();
  const int64_t length = window_length.count();
  const int64_t index = now / length;
  const int64_t until_end = (index + 1) * length - now;
  verdict.reset_seconds = static_cast<int>((until_end + 999'999'999) / 1'000'000'000);

  Window& window = windows_[ad_account_id];
  if (window.index != index) window = Window{index, 0};
  if (window.count >= limit) {
    verdict.limited = admit;
    verdict.remaining = 0;
    return verdict;
  }
  if (admit) ++window.count;
  verdict.remaining = limit - window.count;
  return verdict;
}

std::optional<ApiErrc> FaultPlan::InjectedError() {
  std::lock_guard lock(mutex_);
  if (!Draw(spec_.error_rate)) return std::nullopt;
  // Half 500, half 503: clients must retry both.
  return std::uniform_int_distribution<int>(0, 1)(rng_) == 0 ? ApiErrc::kInternal
                                                             : ApiErrc::kUnavailable;
}

}  // namespace pinsync::sandbox
