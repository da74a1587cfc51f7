#include "pinsync/pinterest/retry_policy.h"

#include <gtest/gtest.h>

#include "pinterest/fake_transport.h"

namespace pinsync::pinterest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Answer;

HttpResponse TransportFailure(TransportError e) {
  HttpResponse r;
  r.error = e;
  return r;
}

TEST(ClassifyTest, MapsStatusesAndTransportErrors) {
  EXPECT_EQ(Classify(Answer(200)), ResponseClass::kSuccess);
  EXPECT_EQ(Classify(Answer(201)), ResponseClass::kSuccess);
  EXPECT_EQ(Classify(Answer(400)), ResponseClass::kBadRequest);
  EXPECT_EQ(Classify(Answer(401)), ResponseClass::kUnauthorized);
  EXPECT_EQ(Classify(Answer(403)), ResponseClass::kForbidden);
  EXPECT_EQ(Classify(Answer(404)), ResponseClass::kNotFound);
  EXPECT_EQ(Classify(Answer(408)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(Answer(409)), ResponseClass::kPermanent);
  EXPECT_EQ(Classify(Answer(422)), ResponseClass::kPermanent);
  EXPECT_EQ(Classify(Answer(429)), ResponseClass::kRateLimited);
  EXPECT_EQ(Classify(Answer(500)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(Answer(503)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(Answer(599)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(TransportFailure(TransportError::kTimeout)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(TransportFailure(TransportError::kConnection)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(TransportFailure(TransportError::kTls)), ResponseClass::kRetryable);
  EXPECT_EQ(Classify(TransportFailure(TransportError::kOther)), ResponseClass::kPermanent);
}

TEST(ClassifyTest, StatusClassLabelsAreBounded) {
  EXPECT_EQ(StatusClassLabel(Answer(200)), "2xx");
  EXPECT_EQ(StatusClassLabel(Answer(429)), "429");
  EXPECT_EQ(StatusClassLabel(Answer(404)), "4xx");
  EXPECT_EQ(StatusClassLabel(Answer(502)), "5xx");
  EXPECT_EQ(StatusClassLabel(TransportFailure(TransportError::kTimeout)), "transport");
}

TEST(RetryAfterTest, ParsesSecondsAndIgnoresJunk) {
  EXPECT_EQ(ParseRetryAfter(Answer(429, "", {{"retry-after", "7"}})), Duration(seconds(7)));
  EXPECT_EQ(ParseRetryAfter(Answer(429, "", {{"retry-after", " 2 "}})), Duration(seconds(2)));
  EXPECT_EQ(ParseRetryAfter(Answer(429, "", {{"retry-after", "1.5"}})), Duration(seconds(2)));
  EXPECT_EQ(ParseRetryAfter(Answer(429, "", {{"retry-after", "soon"}})), std::nullopt);
  EXPECT_EQ(ParseRetryAfter(Answer(429, "", {{"retry-after", "-3"}})), std::nullopt);
  EXPECT_EQ(ParseRetryAfter(Answer(429)), std::nullopt);
}

TEST(ServerLimitTest, ParsesDeltaAndEpochReset) {
  auto delta = ParseServerLimit(
      Answer(200, "", {{"x-ratelimit-remaining", "3"}, {"x-ratelimit-reset", "12"}}), 0);
  ASSERT_TRUE(delta);
  EXPECT_EQ(delta->remaining, 3);
  EXPECT_EQ(delta->until_reset, Duration(seconds(12)));
  const int64_t now_ms = 1'800'000'000'000;
  auto epoch = ParseServerLimit(
      Answer(200, "", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1800000030"}}),
      now_ms);
  ASSERT_TRUE(epoch);
  EXPECT_EQ(epoch->until_reset, Duration(seconds(30)));
  EXPECT_FALSE(ParseServerLimit(Answer(200, "", {{"x-ratelimit-remaining", "3"}}), 0));
}

TEST(BackoffTest, FullJitterWithinDoublingCeilingUpToTheCap) {
  Backoff backoff(milliseconds(100), milliseconds(1000), 42);
  for (int attempt = 0; attempt < 12; ++attempt) {
    Duration ceiling =
        std::min<Duration>(milliseconds(100) * (1 << std::min(attempt, 10)), milliseconds(1000));
    Duration max_seen{0};
    for (int i = 0; i < 200; ++i) {
      Duration d = backoff.Next(attempt);
      EXPECT_GE(d, Duration::zero());
      EXPECT_LE(d, ceiling);
      max_seen = std::max(max_seen, d);
    }
    // Full jitter spreads over the whole range: the largest of 200 draws is near the ceiling.
    EXPECT_GE(max_seen, ceiling * 8 / 10) << "attempt " << attempt;
  }
}

TEST(BackoffTest, SameSeedSameSequence) {
  Backoff a(milliseconds(10), seconds(5), 9), b(milliseconds(10), seconds(5), 9);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.Next(i), b.Next(i));
}

TEST(BackoffTest, HugeAttemptNumbersStayAtTheCap) {
  Backoff backoff(seconds(1), seconds(300), 1);
  for (int i = 0; i < 50; ++i) EXPECT_LE(backoff.Next(1000), Duration(seconds(300)));
}

TEST(ReasonStringTest, StableStrings) {
  EXPECT_EQ(ReasonString(FailureReason::kRetryExhausted), "retry_exhausted");
  EXPECT_EQ(ReasonString(FailureReason::kHttp404), "http_404");
  EXPECT_EQ(ReasonString(FailureReason::kHttp4xx), "http_4xx");
}

}  // namespace
}  // namespace pinsync::pinterest
