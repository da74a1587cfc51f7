#include "pinsync/offsets/partition_table.h"

#include <gtest/gtest.h>

namespace pinsync::offsets {
namespace {

TEST(PartitionTableTest, InternsDenseStableIds) {
  PartitionTable table;
  const TopicPartition a{"events", 0}, b{"events", 1}, c{"other", 0};
  EXPECT_EQ(table.Find(a), std::nullopt);
  EXPECT_EQ(table.Intern(a), 0u);
  EXPECT_EQ(table.Intern(b), 1u);
  EXPECT_EQ(table.Intern(a), 0u);
  EXPECT_EQ(table.Intern(c), 2u);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.Find(b), 1u);
  EXPECT_EQ(table.Get(2), c);
  EXPECT_TRUE(table.contains(2));
  EXPECT_FALSE(table.contains(3));
}

TEST(PartitionTableTest, ReferencesSurviveGrowth) {
  PartitionTable table;
  const TopicPartition& first = table.Get(table.Intern({"events", 0}));
  for (int32_t p = 1; p < 5000; ++p) table.Intern({"events", p});
  EXPECT_EQ(first.topic, "events");
  EXPECT_EQ(first.partition, 0);
  EXPECT_EQ(table.Get(4999).partition, 4999);
}

}  // namespace
}  // namespace pinsync::offsets
