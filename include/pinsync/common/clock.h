#pragma once
// The clock seam: pure stages take a Clock& so tests drive time without sleeping.

#include <atomic>
#include <chrono>

namespace pinsync {

using SteadyTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for windows, timeouts and backoff.
  virtual SteadyTime Now() const = 0;
  // Wall-clock milliseconds since the epoch, for headers and logs only.
  virtual int64_t WallMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime Now() const override { return std::chrono::steady_clock::now(); }
  int64_t WallMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static SystemClock& Instance() {
    static SystemClock clock;
    return clock;
  }
};

// A clock tests advance by hand. Thread-safe so a test thread may advance it while another reads.
class ManualClock final : public Clock {
 public:
  SteadyTime Now() const override { return SteadyTime(Duration(now_ns_.load())); }
  int64_t WallMillis() const override { return 1'700'000'000'000 + now_ns_.load() / 1'000'000; }
  void Advance(Duration d) { now_ns_ += d.count(); }

 private:
  std::atomic<int64_t> now_ns_{1'000'000'000};
};

}  // namespace pinsync
