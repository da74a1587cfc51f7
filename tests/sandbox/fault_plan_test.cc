#include "pinsync/sandbox/fault_plan.h"

#include <gtest/gtest.h>

namespace pinsync::sandbox {
namespace {

TEST(FaultPlanTest, NoFaultsByDefault) {
  ManualClock clock;
  FaultPlan plan(FaultSpec{}, clock);
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(plan.ShouldDrop());
    EXPECT_FALSE(plan.InjectedError().has_value());
    EXPECT_FALSE(plan.Admit("1").configured);
  }
  EXPECT_FALSE(plan.IsForbidden("1"));
  EXPECT_EQ(plan.Latency().count(), 0);
}

TEST(FaultPlanTest, PerSecondLimitCountsPerAccountAndResetsAtTheWindowEdge) {
  ManualClock clock;  // starts exactly on a second boundary
  FaultSpec spec;
  spec.rate_limit_per_second = 3;
  FaultPlan plan(spec, clock);
  for (int i = 0; i < 3; ++i) {
    auto verdict = plan.Admit("1");
    EXPECT_TRUE(verdict.configured);
    EXPECT_FALSE(verdict.limited);
    EXPECT_EQ(verdict.limit, 3);
    EXPECT_EQ(verdict.remaining, 2 - i);
  }
  clock.Advance(std::chrono::milliseconds(400));
  auto limited = plan.Admit("1");
  EXPECT_TRUE(limited.limited);
  EXPECT_EQ(limited.remaining, 0);
  EXPECT_EQ(limited.reset_seconds, 1);  // 600 ms left, rounded up
  // Another account has its own window.
  EXPECT_FALSE(plan.Admit("2").limited);
  clock.Advance(std::chrono::milliseconds(600));
  auto next = plan.Admit("1");
  EXPECT_FALSE(next.limited);
  EXPECT_EQ(next.remaining, 2);
}

TEST(FaultPlanTest, PeekReportsWithoutCounting) {
  ManualClock clock;
  FaultSpec spec;
  spec.rate_limit_per_second = 1;
  FaultPlan plan(spec, clock);
  for (int i = 0; i < 3; ++i) {
    auto peek = plan.Peek("1");
    EXPECT_TRUE(peek.configured);
    EXPECT_FALSE(peek.limited);
    EXPECT_EQ(peek.remaining, 1);
  }
  EXPECT_FALSE(plan.Admit("1").limited);
  auto peek = plan.Peek("1");
  EXPECT_FALSE(peek.limited);  // a peek never answers 429 itself
  EXPECT_EQ(peek.remaining, 0);
  EXPECT_TRUE(plan.Admit("1").limited);
  EXPECT_FALSE(plan.Peek("2").limited);
  EXPECT_FALSE(FaultPlan(FaultSpec{}, clock).Peek("1").configured);
}

TEST(FaultPlanTest, PerMinuteLimitReportsSecondsUntilReset) {
  ManualClock clock;
  FaultSpec spec;
  spec.rate_limit_per_minute = 2;
  FaultPlan plan(spec, clock);
  clock.Advance(std::chrono::seconds(15));  // 1 s + 15 s into the first minute
  EXPECT_FALSE(plan.Admit("1").limited);
  EXPECT_FALSE(plan.Admit("1").limited);
  auto limited = plan.Admit("1");
  EXPECT_TRUE(limited.limited);
  EXPECT_EQ(limited.limit, 2);
  EXPECT_EQ(limited.reset_seconds, 44);
  clock.Advance(std::chrono::seconds(44));
  EXPECT_FALSE(plan.Admit("1").limited);
}

TEST(FaultPlanTest, PerSecondWinsOverPerMinute) {
  ManualClock clock;
  FaultSpec spec;
  spec.rate_limit_per_second = 5;
  spec.rate_limit_per_minute = 1;
  FaultPlan plan(spec, clock);
  EXPECT_EQ(plan.Admit("1").limit, 5);
  EXPECT_FALSE(plan.Admit("1").limited);
}

TEST(FaultPlanTest, ErrorRateIsRoughlyTheShareAndBothStatusesOccur) {
  ManualClock clock;
  FaultSpec spec;
  spec.error_rate = 0.3;
  spec.seed = 7;
  FaultPlan plan(spec, clock);
  int internal = 0, unavailable = 0;
  for (int i = 0; i < 10000; ++i) {
    auto error = plan.InjectedError();
    if (!error) continue;
    if (*error == ApiErrc::kInternal) ++internal;
    if (*error == ApiErrc::kUnavailable) ++unavailable;
  }
  EXPECT_NEAR(internal + unavailable, 3000, 300);
  EXPECT_GT(internal, 1000);
  EXPECT_GT(unavailable, 1000);
}

TEST(FaultPlanTest, SameSeedSameSequence) {
  ManualClock clock;
  FaultSpec spec;
  spec.drop_rate = 0.5;
  spec.seed = 42;
  FaultPlan a(spec, clock), b(spec, clock);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(a.ShouldDrop(), b.ShouldDrop());
}

TEST(FaultPlanTest, CertainAndImpossibleProbabilities) {
  ManualClock clock;
  FaultSpec spec;
  spec.drop_rate = 1.0;
  spec.error_rate = 0.0;
  FaultPlan plan(spec, clock);
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(plan.ShouldDrop());
    EXPECT_FALSE(plan.InjectedError());
  }
}

TEST(FaultPlanTest, ForbidsOnlyTheNamedAccount) {
  ManualClock clock;
  FaultSpec spec;
  spec.forbid_account = "66";
  FaultPlan plan(spec, clock);
  EXPECT_TRUE(plan.IsForbidden("66"));
  EXPECT_FALSE(plan.IsForbidden("6"));
  EXPECT_FALSE(plan.IsForbidden("660"));
}

TEST(FaultPlanTest, ReconfigureReplacesTheSpecAndRestartsWindows) {
  ManualClock clock;
  FaultSpec spec;
  spec.rate_limit_per_second = 1;
  spec.latency_ms = 5;
  FaultPlan plan(spec, clock);
  EXPECT_FALSE(plan.Admit("1").limited);
  EXPECT_TRUE(plan.Admit("1").limited);
  FaultSpec relaxed;
  relaxed.rate_limit_per_second = 2;
  plan.Reconfigure(relaxed);
  EXPECT_EQ(plan.spec(), relaxed);
  EXPECT_EQ(plan.Latency().count(), 0);
  EXPECT_FALSE(plan.Admit("1").limited);
}

}  // namespace
}  // namespace pinsync::sandbox
