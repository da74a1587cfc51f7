// AudienceStats: the series cap (first seen, first served), folding into "_other", and what the
// metrics carry after Publish.

#include "pinsync/connector/audience_stats.h"

#include <gtest/gtest.h>

#include "connector/metric_values.h"

namespace pinsync::connector {
namespace {

using testing::MetricValue;

TEST(AudienceStatsTest, FirstAudiencesGetTheirOwnSeriesTheRestAreFoldedIntoOther) {
  prometheus::Registry registry;
  AudienceStats stats(/*max_audience_series=*/2, &registry);
  auto& a = stats.For("a");
  auto& b = stats.For("b");
  auto& c = stats.For("c");
  auto& d = stats.For("d");
  EXPECT_NE(&a, &b);
  EXPECT_EQ(&c, &d) << "past the cap every audience shares the _other series";
  EXPECT_EQ(&stats.For("a"), &a) << "a known audience keeps its series";
  EXPECT_EQ(&stats.For("c"), &c);
  EXPECT_EQ(stats.folded(), 2u) << "distinct audiences folded, not look-ups";

  stats.CountChange(a, ListType::kEmail, MembershipOp::kAdd, 3);
  stats.CountChange(c, ListType::kEmail, MembershipOp::kAdd, 1);
  stats.CountChange(d, ListType::kEmail, MembershipOp::kAdd, 2);
  stats.Publish(SteadyTime{});
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_changes_total",
                        {{"audience", "a"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            3);
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_changes_total",
                        {{"audience", "_other"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            3);
  EXPECT_FALSE(MetricValue(registry, "pinsync_audience_changes_total", {{"audience", "c"}}));
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_series_folded"), 2);
  EXPECT_FALSE(MetricValue(registry, "pinsync_audience_changes_total", {{"list_type", "MAID"}}))
      << "no series for a list type that saw nothing";
}

TEST(AudienceStatsTest, AnAudienceNamedLikeTheFoldSeriesIsFolded) {
  AudienceStats stats(5, nullptr);
  auto& named_other = stats.For("_other");
  EXPECT_EQ(stats.folded(), 1u) << "only the fold series may carry the _other label";
  EXPECT_NE(&stats.For("a"), &named_other) << "within the cap: its own series";
  EXPECT_EQ(stats.folded(), 1u);
}

TEST(AudienceStatsTest, ZeroSeriesFoldsEverything) {
  AudienceStats stats(0, nullptr);
  EXPECT_EQ(&stats.For("a"), &stats.For("b"));
  EXPECT_EQ(stats.folded(), 2u);
}

TEST(AudienceStatsTest, PublishAddsOnlyWhatChangedSinceTheLastPublish) {
  prometheus::Registry registry;
  AudienceStats stats(10, &registry);
  auto& a = stats.For("a");
  stats.CountSynced(a, ListType::kMaid, MembershipOp::kRemove, 4);
  stats.Publish(SteadyTime{});
  stats.Publish(SteadyTime{});
  stats.CountSynced(a, ListType::kMaid, MembershipOp::kRemove, 1);
  stats.CountErrored(a, ListType::kMaid, "rejected", 2);
  stats.CountNotSynced(a, "invalid_email");
  stats.Publish(SteadyTime{});
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_records_synced_total",
                        {{"audience", "a"}, {"list_type", "MAID"}, {"op", "remove"}}),
            5);
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_records_errored_total",
                        {{"audience", "a"}, {"list_type", "MAID"}, {"reason", "rejected"}}),
            2);
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_records_not_synced_total",
                        {{"audience", "a"}, {"reason", "invalid_email"}}),
            1);
}

TEST(AudienceStatsTest, PendingIsRecomputedAndTheOldestAgeComesFromTheOldestBatch) {
  prometheus::Registry registry;
  AudienceStats stats(10, &registry);
  auto& a = stats.For("a");
  const SteadyTime t0{std::chrono::seconds(100)};
  stats.AddPending(a, ListType::kEmail, 5, t0 + std::chrono::seconds(10));
  stats.AddPending(a, ListType::kEmail, 2, t0);
  stats.Publish(t0 + std::chrono::seconds(30));
  const std::map<std::string, std::string> labels{{"audience", "a"}, {"list_type", "EMAIL"}};
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_records_pending", labels), 7);
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_oldest_pending_age_seconds", labels), 30);
  auto rows = stats.Rows(t0 + std::chrono::seconds(30));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].pending, 7u);
  EXPECT_DOUBLE_EQ(rows[0].oldest_pending_age_seconds, 30);

  stats.ClearPending();
  stats.Publish(t0 + std::chrono::seconds(40));
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_records_pending", labels), 0);
  EXPECT_EQ(MetricValue(registry, "pinsync_audience_oldest_pending_age_seconds", labels), 0);
}

}  // namespace
}  // namespace pinsync::connector
