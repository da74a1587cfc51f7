// ParseDuration / FormatDuration / ParseSize / FormatSize: the spellings users write.
#include <gtest/gtest.h>

#include "pinsync/config/duration.h"

namespace pinsync::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDurationTest, AcceptsEachUnit) {
  EXPECT_EQ(*ParseDuration("200ms"), milliseconds(200));
  EXPECT_EQ(*ParseDuration("5s"), milliseconds(5000));
  EXPECT_EQ(*ParseDuration("10m"), milliseconds(600'000));
  EXPECT_EQ(*ParseDuration("3h"), milliseconds(10'800'000));
  EXPECT_EQ(*ParseDuration("1d"), milliseconds(86'400'000));
  EXPECT_EQ(*ParseDuration("0s"), milliseconds(0));
}

TEST(ParseDurationTest, AcceptsCombinedUnits) {
  EXPECT_EQ(*ParseDuration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(*ParseDuration("1m500ms"), milliseconds(60'500));
}

TEST(ParseDurationTest, RejectsBadInputWithAHint) {
  for (const char* bad :
       {"", "5", "s", "5x", "-5s", "5 s", " 5s", "5s ", "1.5h", "h1", "5sec", "ms", "10mm"}) {
    auto d = ParseDuration(bad);
    ASSERT_FALSE(d.ok()) << "'" << bad << "' was accepted";
    EXPECT_NE(d.error().message.find("200ms, 5s, 10m, 3h"), std::string::npos) << d.error().message;
  }
}

TEST(ParseDurationTest, RejectsOverflow) {
  EXPECT_FALSE(ParseDuration("99999999999999999999s").ok());
  EXPECT_FALSE(ParseDuration("9999999999999999d").ok());
}

TEST(FormatDurationTest, ChoosesTheLargestExactUnitAndRoundTrips) {
  EXPECT_EQ(FormatDuration(milliseconds(5000)), "5s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(milliseconds(13LL * 3600 * 1000)), "13h");
  EXPECT_EQ(FormatDuration(milliseconds(90 * 60 * 1000)), "90m");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  for (int64_t ms : {1LL, 999LL, 1000LL, 61'000LL, 86'400'000LL, 7LL * 86'400'000 + 1}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(milliseconds(ms))), milliseconds(ms)) << ms;
  }
}

TEST(ParseSizeTest, AcceptsPlainAndBinaryUnits) {
  EXPECT_EQ(*ParseSize("1048576"), 1048576u);
  EXPECT_EQ(*ParseSize("512KiB"), 512u * 1024);
  EXPECT_EQ(*ParseSize("1MiB"), 1u << 20);
  EXPECT_EQ(*ParseSize("2GiB"), 2ull << 30);
}

TEST(ParseSizeTest, RejectsBadInput) {
  for (const char* bad :
       {"", "MiB", "1MB", "1 MiB", "-1", "1.5MiB", "99999999999999999999", "99999999999GiB"}) {
    EXPECT_FALSE(ParseSize(bad).ok()) << "'" << bad << "' was accepted";
  }
}

TEST(FormatSizeTest, RoundTrips) {
  EXPECT_EQ(FormatSize(1 << 20), "1MiB");
  EXPECT_EQ(FormatSize(1536), "1536");
  EXPECT_EQ(FormatSize(2048), "2KiB");
  EXPECT_EQ(FormatSize(0), "0");
  for (uint64_t n : {0ull, 1ull, 1024ull, 1000ull, 3ull << 30})
    EXPECT_EQ(*ParseSize(FormatSize(n)), n);
}

}  // namespace
}  // namespace pinsync::config
