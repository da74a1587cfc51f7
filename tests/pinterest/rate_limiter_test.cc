#include "pinsync/pinterest/rate_limiter.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace pinsync::pinterest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TokenBucketTest, StartsWithBurstThenRefillsAtTheConfiguredRate) {
  ManualClock clock;
  TokenBucket bucket(60, 3, clock.Now());  // one per second, burst 3
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));
  clock.Advance(milliseconds(999));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));
  // A long idle period refills to the burst, never beyond.
  clock.Advance(seconds(3600));
  EXPECT_DOUBLE_EQ(bucket.tokens(clock.Now()), 3.0);
}

TEST(TokenBucketTest, DefaultBurstIsAFewSecondsWorth) {
  EXPECT_EQ(TokenBucket::DefaultBurst(400), 20.0);  // 6.67/s * 3 s
  EXPECT_EQ(TokenBucket::DefaultBurst(10), 1.0);
}

TEST(TokenBucketTest, NextAvailableIsWhenATokenArrives) {
  ManualClock clock;
  TokenBucket bucket(120, 1, clock.Now());  // one per 500 ms
  ASSERT_TRUE(bucket.TryAcquire(clock.Now()));
  SteadyTime next = bucket.NextAvailable(clock.Now());
  EXPECT_GE(next - clock.Now(), milliseconds(499));
  EXPECT_LE(next - clock.Now(), milliseconds(501));
  clock.Advance(next - clock.Now());
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
}

TEST(TokenBucketTest, PauseBlocksUntilItEndsAndRestartsEmpty) {
  ManualClock clock;
  TokenBucket bucket(600, 10, clock.Now());
  bucket.PauseUntil(clock.Now() + seconds(30));
  clock.Advance(seconds(29));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));
  EXPECT_EQ(bucket.NextAvailable(clock.Now()), clock.Now() + seconds(1));
  clock.Advance(seconds(1));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));  // empty: no burst right after a 429
  clock.Advance(milliseconds(100));
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));
}

TEST(TokenBucketTest, LowServerRemainingSpreadsRequestsUntilReset) {
  ManualClock clock;
  TokenBucket bucket(600, 10, clock.Now());  // 10/s normally
  // Pinterest says 4 requests remain for the next 8 seconds: at most 4 in those 8 seconds.
  bucket.ObserveServerLimit(4, seconds(8), clock.Now());
  int sent = 0;
  for (int step = 0; step < 800; ++step) {  // 10 ms steps over 8 s
    while (bucket.TryAcquire(clock.Now())) ++sent;
    clock.Advance(milliseconds(10));
  }
  EXPECT_LE(sent, 4);
  EXPECT_GE(sent, 3);
  // After the reset the normal rate is back.
  int after = 0;
  for (int step = 0; step < 100; ++step) {
    while (bucket.TryAcquire(clock.Now())) ++after;
    clock.Advance(milliseconds(10));
  }
  EXPECT_GE(after, 9);
}

TEST(TokenBucketTest, ZeroRemainingPausesUntilReset) {
  ManualClock clock;
  TokenBucket bucket(600, 10, clock.Now());
  bucket.ObserveServerLimit(0, seconds(5), clock.Now());
  clock.Advance(milliseconds(4999));
  EXPECT_FALSE(bucket.TryAcquire(clock.Now()));
  clock.Advance(milliseconds(200));
  EXPECT_TRUE(bucket.TryAcquire(clock.Now()));
}

TEST(TokenBucketTest, PlentyRemainingChangesNothing) {
  ManualClock clock;
  TokenBucket bucket(60, 3, clock.Now());
  bucket.ObserveServerLimit(1000, seconds(60), clock.Now());
  EXPECT_DOUBLE_EQ(bucket.tokens(clock.Now()), 3.0);
}

// Over six simulated hours of greedy, irregular demand, no 60-second window ever holds more
// requests than the rate allows plus the burst.
TEST(TokenBucketTest, NeverExceededOverALongRun) {
  ManualClock clock;
  const int rpm = 400;
  TokenBucket bucket(rpm, TokenBucket::DefaultBurst(rpm), clock.Now());
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> step_ms(1, 400);
  std::deque<SteadyTime> window;
  const SteadyTime end = clock.Now() + std::chrono::hours(6);
  size_t total = 0, max_in_window = 0;
  while (clock.Now() < end) {
    while (bucket.TryAcquire(clock.Now())) {
      window.push_back(clock.Now());
      ++total;
    }
    while (!window.empty() && clock.Now() - window.front() >= seconds(60)) window.pop_front();
    max_in_window = std::max(max_in_window, window.size());
    clock.Advance(milliseconds(step_ms(rng)));
  }
  EXPECT_LE(max_in_window, static_cast<size_t>(rpm + TokenBucket::DefaultBurst(rpm)));
  // And the bucket is not needlessly slow: close to the full rate over the run.
  EXPECT_GE(total, static_cast<size_t>(rpm * 60 * 6 * 0.98));
}

// A share of a budget (SetRate): no 60-second window ever holds more than the share, burst
// included, so members splitting a budget exactly never add up to more than it.
TEST(TokenBucketTest, SetRateKeepsEveryWindowWithinTheRate) {
  ManualClock clock;
  TokenBucket bucket(400, TokenBucket::DefaultBurst(400), clock.Now());
  const double share = 400.0 / 3;  // one of three members
  bucket.SetRate(share, clock.Now());
  EXPECT_EQ(bucket.burst(), 6.0);
  std::deque<SteadyTime> window;
  size_t total = 0, max_in_window = 0;
  const SteadyTime end = clock.Now() + std::chrono::minutes(30);
  while (clock.Now() < end) {
    while (bucket.TryAcquire(clock.Now())) {
      window.push_back(clock.Now());
      ++total;
    }
    while (!window.empty() && clock.Now() - window.front() >= seconds(60)) window.pop_front();
    max_in_window = std::max(max_in_window, window.size());
    clock.Advance(milliseconds(37));
  }
  EXPECT_LE(max_in_window, 133u);
  EXPECT_GE(total, static_cast<size_t>((share - 6) * 30 * 0.99));  // close to the share
}

}  // namespace
}  // namespace pinsync::pinterest
