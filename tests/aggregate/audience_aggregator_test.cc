// The batching rules: net operation per record, size and age triggers, per-audience policy.

#include "pinsync/aggregate/audience_aggregator.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "aggregate/test_ids.h"

namespace pinsync::aggregate {
namespace {

using namespace std::chrono_literals;
using testing::Id;

const ListKey kVipEmail{"549755813599", "vip", ListType::kEmail};
const ListKey kVipMaid{"549755813599", "vip", ListType::kMaid};
const ListKey kChurnEmail{"549755813599", "churn", ListType::kEmail};

config::Config SmallBatches(size_t max_records, config::Millis max_age) {
  config::Config c;
  c.batching.max_records = max_records;
  c.batching.max_age = max_age;
  return c;
}

std::vector<HashedId> Ids(const std::vector<BatchRecord>& records) {
  std::vector<HashedId> out;
  for (const auto& r : records) out.push_back(r.id);
  return out;
}

class AudienceAggregatorTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  config::Config config_ = SmallBatches(100, 60s);
  AudienceAggregator aggregator_{BatchingPolicyFrom(config_), clock_};
};

TEST_F(AudienceAggregatorTest, AddThenRemoveLeavesOneRemove) {
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 10);
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kRemove, 0, 11);
  EXPECT_EQ(aggregator_.buffered_records(), 2u);  // both changes held until the batch merges
  auto batches = aggregator_.FlushAll();
  EXPECT_EQ(aggregator_.buffered_records(), 0u);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_TRUE(batches[0].adds.empty());
  EXPECT_EQ(Ids(batches[0].removes), std::vector<HashedId>{Id(1)});
}

TEST_F(AudienceAggregatorTest, RemoveThenAddLeavesOneAdd) {
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kRemove, 0, 10);
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 11);
  auto batches = aggregator_.FlushAll();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0].adds), std::vector<HashedId>{Id(1)});
  EXPECT_TRUE(batches[0].removes.empty());
}

TEST_F(AudienceAggregatorTest, TheLatestOfManyChangesWins) {
  const MembershipOp ops[] = {MembershipOp::kAdd, MembershipOp::kRemove, MembershipOp::kAdd,
                              MembershipOp::kAdd, MembershipOp::kRemove};
  int64_t offset = 0;
  for (MembershipOp op : ops) aggregator_.Add(kVipEmail, "VIP", Id(5), op, 0, offset++);
  aggregator_.Add(kVipEmail, "VIP", Id(6), MembershipOp::kAdd, 0, offset++);
  auto batches = aggregator_.FlushAll();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Ids(batches[0].removes), std::vector<HashedId>{Id(5)});
  EXPECT_EQ(Ids(batches[0].adds), std::vector<HashedId>{Id(6)});
  EXPECT_EQ(aggregator_.counters().changes, 6u);
  EXPECT_EQ(aggregator_.counters().changes_collapsed, 4u);
}

// The connector adds a message's emails, then its mobile ids: each list type remembers its own
// last batch, and a sealed or dropped batch is never written to again through that memory.
TEST(AudienceAggregatorListsTest, AlternatingListTypesStayApartThroughSealsAndDrops) {
  ManualClock clock;
  const config::Config config = SmallBatches(2, 60s);
  AudienceAggregator aggregator(BatchingPolicyFrom(config), clock);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 10);
  aggregator.Add(kVipMaid, "VIP", Id(2), MembershipOp::kAdd, 0, 10);
  aggregator.Add(kVipEmail, "VIP", Id(3), MembershipOp::kRemove, 0, 11);  // seals email {1, 3}
  aggregator.Add(kVipEmail, "VIP", Id(4), MembershipOp::kAdd, 0, 12);     // a new email batch
  aggregator.Add(kChurnEmail, "Churn", Id(5), MembershipOp::kAdd, 1, 12);
  aggregator.Add(kVipMaid, "VIP", Id(6), MembershipOp::kAdd, 0, 12);  // seals maid {2, 6}
  aggregator.Add(kVipMaid, "VIP", Id(7), MembershipOp::kAdd, 1, 13);  // a new maid batch
  EXPECT_EQ(aggregator.DropPartition(1), 2u);  // churn's email batch and the new maid batch go
  aggregator.Add(kVipMaid, "VIP", Id(8), MembershipOp::kAdd, 0, 14);
  aggregator.Add(kChurnEmail, "Churn", Id(9), MembershipOp::kAdd, 0, 14);

  std::vector<Batch> ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[0].key, kVipEmail);
  EXPECT_EQ(Ids(ready[0].adds), std::vector<HashedId>{Id(1)});
  EXPECT_EQ(Ids(ready[0].removes), std::vector<HashedId>{Id(3)});
  EXPECT_EQ(ready[1].key, kVipMaid);
  EXPECT_EQ(Ids(ready[1].adds), (std::vector<HashedId>{Id(2), Id(6)}));

  std::vector<Batch> rest = aggregator.FlushAll();
  ASSERT_EQ(rest.size(), 3u);  // in the order they opened
  EXPECT_EQ(rest[0].key, kVipEmail);
  EXPECT_EQ(Ids(rest[0].adds), std::vector<HashedId>{Id(4)});
  EXPECT_EQ(rest[1].key, kVipMaid);
  EXPECT_EQ(Ids(rest[1].adds), std::vector<HashedId>{Id(8)});
  EXPECT_EQ(rest[2].key, kChurnEmail);
  EXPECT_EQ(Ids(rest[2].adds), std::vector<HashedId>{Id(9)});
  EXPECT_EQ(aggregator.buffered_records(), 0u);
}

TEST_F(AudienceAggregatorTest, DuplicatesCollapse) {
  for (int i = 0; i < 5; ++i) aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, i);
  EXPECT_EQ(aggregator_.buffered_records(), 5u);
  EXPECT_EQ(aggregator_.counters().changes_collapsed, 0u);  // counted when merged
  auto batches = aggregator_.FlushAll();
  EXPECT_EQ(aggregator_.counters().changes_collapsed, 4u);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].size(), 1u);
  EXPECT_EQ(batches[0].adds.size(), 1u);
}

TEST_F(AudienceAggregatorTest, EachListIsItsOwnBatch) {
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 1);
  aggregator_.Add(kVipMaid, "VIP", Id(1), MembershipOp::kRemove, 0, 1);
  aggregator_.Add(kChurnEmail, "Churn", Id(1), MembershipOp::kAdd, 0, 2);
  auto batches = aggregator_.FlushAll();
  ASSERT_EQ(batches.size(), 3u);
  // FlushAll returns batches in the order they were opened.
  EXPECT_EQ(batches[0].key, kVipEmail);
  EXPECT_EQ(batches[0].adds.size(), 1u);
  EXPECT_EQ(batches[1].key, kVipMaid);
  EXPECT_EQ(batches[1].removes.size(), 1u);
  EXPECT_EQ(batches[2].key, kChurnEmail);
  EXPECT_EQ(batches[2].audience_name, "Churn");
  EXPECT_LT(batches[0].id, batches[1].id);
  EXPECT_LT(batches[1].id, batches[2].id);
  EXPECT_EQ(aggregator_.buffered_records(), 0u);
  EXPECT_EQ(aggregator_.buffered_batches(), 0u);
  EXPECT_TRUE(aggregator_.FlushAll().empty());
}

TEST_F(AudienceAggregatorTest, EachRecordCarriesThePartitionOfItsLatestChange) {
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 2, 10);
  aggregator_.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 7, 3);
  aggregator_.Add(kVipEmail, "VIP", Id(2), MembershipOp::kRemove, 2, 11);
  auto batches = aggregator_.FlushAll();
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].adds.size(), 1u);
  EXPECT_EQ(batches[0].adds[0].partition, 7u);
  ASSERT_EQ(batches[0].removes.size(), 1u);
  EXPECT_EQ(batches[0].removes[0].partition, 2u);
}

TEST(AudienceAggregatorSizeTest, FlushesAtExactlyMaxRecordsDistinctRecords) {
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(3, 1h)), clock);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 1);
  aggregator.Add(kVipEmail, "VIP", Id(2), MembershipOp::kAdd, 0, 2);
  aggregator.Add(kVipEmail, "VIP", Id(2), MembershipOp::kRemove, 0, 3);  // still 2 distinct
  EXPECT_TRUE(aggregator.TakeReady().empty());
  EXPECT_NE(aggregator.NextDeadline(), clock.Now());
  aggregator.Add(kVipEmail, "VIP", Id(3), MembershipOp::kAdd, 0, 4);
  EXPECT_EQ(aggregator.NextDeadline(), clock.Now());  // sealed: due now
  // The next change of the same list goes to a new batch, after the full one.
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kRemove, 0, 5);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].size(), 3u);
  EXPECT_EQ(Ids(ready[0].adds), (std::vector<HashedId>{Id(1), Id(3)}));
  EXPECT_EQ(Ids(ready[0].removes), std::vector<HashedId>{Id(2)});
  EXPECT_EQ(aggregator.counters().flushed_full, 1u);
  EXPECT_TRUE(aggregator.TakeReady().empty());
  EXPECT_EQ(aggregator.buffered_records(), 1u);
  auto rest = aggregator.FlushAll();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(Ids(rest[0].removes), std::vector<HashedId>{Id(1)});
  EXPECT_GT(rest[0].id, ready[0].id);
}

// Changes are appended until a batch holds max_records of them; it is merged then, and sealed
// only if max_records distinct records remain. Repeats never fill a batch.
TEST(AudienceAggregatorSizeTest, RepeatedChangesAreMergedBeforeTheyCouldSealABatch) {
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(4, 1h)), clock);
  for (int64_t offset = 0; offset < 40; ++offset) {
    aggregator.Add(kVipEmail, "VIP", Id(1), offset % 2 ? MembershipOp::kRemove : MembershipOp::kAdd,
                   0, offset);
    ASSERT_TRUE(aggregator.TakeReady().empty()) << offset;
    ASSERT_LE(aggregator.buffered_records(), 4u) << offset;  // merged at 4 changes
  }
  // Merged at the 4th change; every later one replaced the record at once.
  EXPECT_EQ(aggregator.buffered_records(), 1u);
  EXPECT_EQ(aggregator.counters().changes_collapsed, 39u);
  aggregator.Add(kVipEmail, "VIP", Id(2), MembershipOp::kAdd, 0, 40);
  aggregator.Add(kVipEmail, "VIP", Id(3), MembershipOp::kAdd, 0, 41);
  EXPECT_TRUE(aggregator.TakeReady().empty());
  aggregator.Add(kVipEmail, "VIP", Id(4), MembershipOp::kAdd, 0, 42);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(Ids(ready[0].removes), std::vector<HashedId>{Id(1)});  // offset 39: a remove
  EXPECT_EQ(Ids(ready[0].adds), (std::vector<HashedId>{Id(2), Id(3), Id(4)}));
  EXPECT_EQ(ready[0].lowest_offsets, (std::vector<std::pair<PartitionId, int64_t>>{{0, 0}}));
  EXPECT_EQ(aggregator.counters().changes_collapsed, 39u);
  EXPECT_EQ(aggregator.buffered_records(), 0u);
}

// Backpressure merges every open batch first: when that frees enough, nothing is flushed early.
TEST(AudienceAggregatorPressureTest, MergingComesBeforeFlushingEarly) {
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(1000, 1h)), clock);
  for (int64_t offset = 0; offset < 30; ++offset) {
    aggregator.Add(kVipEmail, "VIP", Id(offset % 3), MembershipOp::kAdd, 0, offset);
  }
  aggregator.Add(kChurnEmail, "Churn", Id(7), MembershipOp::kAdd, 1, 0);
  EXPECT_EQ(aggregator.buffered_records(), 31u);
  EXPECT_TRUE(aggregator.FlushLargestUntil(10).empty());
  EXPECT_EQ(aggregator.buffered_records(), 4u);
  EXPECT_EQ(aggregator.counters().flushed_pressure, 0u);
  EXPECT_EQ(aggregator.counters().changes_collapsed, 27u);
  // Still over after merging: the largest batch goes.
  auto flushed = aggregator.FlushLargestUntil(2);
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_EQ(flushed[0].key, kVipEmail);
  EXPECT_EQ(Ids(flushed[0].adds), (std::vector<HashedId>{Id(0), Id(1), Id(2)}));
  EXPECT_EQ(aggregator.buffered_records(), 1u);
}

// A revoked partition's records are dropped by their latest change, merged first: a record
// whose latest change came from another partition stays, one whose latest change came from the
// revoked partition goes, wherever its earlier changes came from.
TEST(AudienceAggregatorDropTest, DropsByLatestChangeOfUnmergedChanges) {
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(1000, 1h)), clock);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 1, 10);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kRemove, 2, 20);  // latest from 2: stays
  aggregator.Add(kVipEmail, "VIP", Id(2), MembershipOp::kAdd, 1, 11);
  aggregator.Add(kVipEmail, "VIP", Id(2), MembershipOp::kAdd, 1, 12);
  aggregator.Add(kVipEmail, "VIP", Id(3), MembershipOp::kAdd, 2, 21);
  aggregator.Add(kVipEmail, "VIP", Id(3), MembershipOp::kRemove, 1, 13);  // latest from 1: goes
  EXPECT_EQ(aggregator.DropPartition(1), 2u);                             // Id(2) and Id(3)
  EXPECT_EQ(aggregator.counters().records_dropped, 2u);
  EXPECT_EQ(aggregator.counters().changes_collapsed, 3u);
  EXPECT_EQ(aggregator.buffered_records(), 1u);
  auto rest = aggregator.FlushAll();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(Ids(rest[0].removes), std::vector<HashedId>{Id(1)});
  EXPECT_TRUE(rest[0].adds.empty());
}

// Fidelity across every way a batch leaves: random changes to three lists (repeats, both ops,
// two partitions), with batches sealed by size, aged out, flushed under backpressure and at
// shutdown. Each emitted batch names a record at most once, and applying the batches in the
// order they came out, as Pinterest would, leaves every list exactly as applying every change
// in order does.
TEST(AudienceAggregatorFidelityTest, EmittedBatchesReplayToTheFinalMembership) {
  const ListKey keys[] = {kVipEmail, kVipMaid, kChurnEmail};
  const size_t max_records_choices[] = {1, 3, 7, 50};
  for (uint64_t seed = 0; seed < 200; ++seed) {
    std::mt19937_64 random(seed);
    ManualClock clock;
    const size_t max_records = max_records_choices[seed % 4];
    AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(max_records, 60s)), clock);
    std::map<size_t, std::map<uint64_t, MembershipOp>> latest;  // per list: id -> last op
    std::map<size_t, std::set<std::string>> pinterest;          // per list: its members, in hex
    auto apply = [&](const std::vector<Batch>& batches) {
      for (const Batch& batch : batches) {
        const size_t list = static_cast<size_t>(
            std::find(std::begin(keys), std::end(keys), batch.key) - std::begin(keys));
        ASSERT_LT(list, 3u);
        std::set<std::string> named;
        for (const auto& r : batch.adds) {
          ASSERT_TRUE(named.insert(r.id.Hex()).second) << "seed " << seed;
          pinterest[list].insert(r.id.Hex());
        }
        for (const auto& r : batch.removes) {
          ASSERT_TRUE(named.insert(r.id.Hex()).second) << "seed " << seed;
          pinterest[list].erase(r.id.Hex());
        }
      }
    };
    int64_t offset = 0;
    for (int step = 0; step < 2000; ++step) {
      const uint64_t roll = random() % 100;
      if (roll < 3) {
        clock.Advance(std::chrono::seconds(random() % 40));
        apply(aggregator.TakeReady());
      } else if (roll < 5) {
        apply(aggregator.FlushLargestUntil(random() % 20));
      } else if (roll < 6) {
        aggregator.MergeAll();
      } else {
        const size_t list = random() % 3;
        const uint64_t id = random() % 40;
        const auto op = random() % 2 ? MembershipOp::kAdd : MembershipOp::kRemove;
        aggregator.Add(keys[list], "A", Id(id), op, static_cast<PartitionId>(random() % 2),
                       offset++);
        latest[list][id] = op;
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    apply(aggregator.FlushAll());
    if (::testing::Test::HasFatalFailure()) return;
    for (size_t list = 0; list < 3; ++list) {
      std::set<std::string> expected;
      for (const auto& [id, op] : latest[list]) {
        if (op == MembershipOp::kAdd) expected.insert(Id(id).Hex());
      }
      ASSERT_EQ(pinterest[list], expected) << "seed " << seed << ", list " << list;
    }
    ASSERT_EQ(aggregator.buffered_records(), 0u);
  }
}

TEST(AudienceAggregatorAgeTest, FlushesWhenTheOldestChangeIsExactlyMaxAgeOld) {
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(1000, 10s)), clock);
  EXPECT_EQ(aggregator.NextDeadline(), std::nullopt);
  const SteadyTime opened = clock.Now();
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 1);
  EXPECT_EQ(aggregator.NextDeadline(), opened + 10s);
  clock.Advance(4s);
  // Later changes do not push the deadline back: it is the oldest change that counts.
  aggregator.Add(kVipEmail, "VIP", Id(2), MembershipOp::kAdd, 0, 2);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kRemove, 0, 3);
  clock.Advance(6s - 1ns);
  EXPECT_TRUE(aggregator.TakeReady().empty());
  clock.Advance(1ns);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].size(), 2u);
  EXPECT_EQ(ready[0].opened_at, opened);
  EXPECT_EQ(aggregator.counters().flushed_aged, 1u);
  EXPECT_EQ(aggregator.NextDeadline(), std::nullopt);
  EXPECT_TRUE(aggregator.TakeReady().empty());
}

TEST(AudienceAggregatorAgeTest, OnlyTheDueBatchesComeOut) {
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(SmallBatches(1000, 10s)), clock);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 1);
  clock.Advance(3s);
  aggregator.Add(kChurnEmail, "Churn", Id(1), MembershipOp::kAdd, 0, 2);
  clock.Advance(7s);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].key, kVipEmail);
  EXPECT_EQ(aggregator.NextDeadline(), clock.Now() + 3s);
  clock.Advance(3s);
  ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].key, kChurnEmail);
}

TEST(AudienceAggregatorPolicyTest, PerAudienceOverrideBeatsTheGlobalDefault) {
  config::Config c = SmallBatches(1000, 1h);
  c.audiences["vip"].max_records = 2;
  c.audiences["churn"].max_age = config::Millis(5000);
  ManualClock clock;
  AudienceAggregator aggregator(BatchingPolicyFrom(c), clock);
  const ListKey other{"549755813599", "other", ListType::kEmail};
  for (uint64_t i = 0; i < 3; ++i) {
    aggregator.Add(kVipEmail, "VIP", Id(i), MembershipOp::kAdd, 0, static_cast<int64_t>(i));
    aggregator.Add(other, "Other", Id(i), MembershipOp::kAdd, 0, static_cast<int64_t>(i));
  }
  aggregator.Add(kChurnEmail, "Churn", Id(1), MembershipOp::kAdd, 0, 9);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);  // vip is full at 2; other (global 1000) and churn are not
  EXPECT_EQ(ready[0].key, kVipEmail);
  EXPECT_EQ(ready[0].size(), 2u);
  clock.Advance(5s);
  ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);  // churn's own max_age
  EXPECT_EQ(ready[0].key, kChurnEmail);
  clock.Advance(1h);
  ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 2u);  // the global max_age: the second vip batch and other
  EXPECT_EQ(aggregator.buffered_records(), 0u);
}

TEST(AudienceAggregatorPolicyTest, ExtremeAgesAreClamped) {
  ManualClock clock;
  AudienceAggregator aggregator(
      [](const std::string& audience) {
        return config::BatchingConfig{
            1000, audience == "never" ? config::Millis::max() : config::Millis(-5)};
      },
      clock);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 1);  // negative: due at once
  const ListKey never{"549755813599", "never", ListType::kEmail};
  aggregator.Add(never, "Never", Id(1), MembershipOp::kAdd, 0, 2);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].key, kVipEmail);
  ASSERT_TRUE(aggregator.NextDeadline().has_value());
  EXPECT_GT(*aggregator.NextDeadline(), clock.Now() + std::chrono::hours(24 * 365 * 99));
}

TEST(AudienceAggregatorPolicyTest, ThePolicyIsAskedWithTheAudienceId) {
  std::vector<std::string> asked;
  ManualClock clock;
  AudienceAggregator aggregator(
      [&asked](const std::string& audience) {
        asked.push_back(audience);
        return config::BatchingConfig{1, config::Millis(1000)};
      },
      clock);
  aggregator.Add(kVipEmail, "VIP", Id(1), MembershipOp::kAdd, 0, 1);
  aggregator.Add(kChurnEmail, "Churn", Id(1), MembershipOp::kAdd, 0, 2);
  EXPECT_EQ(asked, (std::vector<std::string>{"vip", "churn"}));
  EXPECT_EQ(aggregator.TakeReady().size(), 2u);
}

}  // namespace
}  // namespace pinsync::aggregate
