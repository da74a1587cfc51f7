// DeliveryEngine across a change of owner: withdrawn partitions leave every unfinished batch
// (queued, planned, or coming back from the wire for a retry), and an embargoed batch
// (not_before) sends nothing early.

#include <gtest/gtest.h>

#include "pinsync/pinterest/delivery_engine.h"
#include "pinterest/engine_harness.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;

// Records [from, from + count) of one partition.
std::vector<aggregate::BatchRecord> OfPartition(uint64_t from, uint64_t count,
                                                aggregate::PartitionId partition) {
  auto records = Records(from, count);
  for (auto& r : records) r.partition = partition;
  return records;
}

std::vector<aggregate::BatchRecord> Concat(std::vector<aggregate::BatchRecord> a,
                                           const std::vector<aggregate::BatchRecord>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool BodyHasAny(const std::string& body, const std::vector<aggregate::BatchRecord>& records) {
  for (const auto& r : records) {
    if (body.find(r.id.Hex()) != std::string::npos) return true;
  }
  return false;
}

TEST(DeliveryEngineWithdrawTest, QueuedBatchLosesTheWithdrawnPartitionsRecords) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  // Batch 1's PATCH is held on the wire, and batch 2 changes one of its records again (record 0),
  // so batch 2 waits in the list's queue.
  bool release = false;
  h.pinterest().hold = [&](const HttpRequest& r) { return IsPatch(r) && !release; };
  h.Start();
  auto first = OfPartition(0, 10, 0);
  auto kept = Concat(OfPartition(0, 1, 0), OfPartition(100, 29, 0));
  auto moved = OfPartition(200, 20, 1);
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, first));
  h.Turns(20);
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Concat(kept, moved)));
  h.Turns(1);
  EXPECT_EQ(h.engine().Withdraw({1}), moved.size());
  release = true;
  auto out = h.Run(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(out[1].second.adds.size(), kept.size());  // the outcome no longer carries them
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, Hexes(Concat(first, kept)));
  for (const auto& r : h.transport().started()) EXPECT_FALSE(BodyHasAny(r.body, moved));
}

TEST(DeliveryEngineWithdrawTest, ARequestOnTheWireIsNotRetriedWithWithdrawnRecords) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  auto kept = OfPartition(0, 40, 0);
  auto moved = OfPartition(100, 40, 1);
  // The first PATCH is held on the wire, then answered 503: its retry must leave `moved` out.
  bool release = false;
  int patches = 0;
  h.pinterest().hold = [&](const HttpRequest& r) { return IsPatch(r) && !release; };
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (!IsPatch(r) || patches++ > 0) return std::nullopt;
    return Answer(503, R"({"code":503,"message":"busy"})");
  };
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, {}, Concat(kept, moved)));
  h.Turns(20);
  ASSERT_EQ(h.engine().in_flight(), 1u);
  EXPECT_EQ(h.engine().Withdraw({1}), 0u);  // nothing unsent: the one request is on the wire
  release = true;
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(out[0].second.removes.size(), kept.size());
  std::vector<std::string> patch_bodies;
  for (const auto& r : h.transport().started()) {
    if (IsPatch(r)) patch_bodies.push_back(r.body);
  }
  ASSERT_EQ(patch_bodies.size(), 2u);
  EXPECT_TRUE(BodyHasAny(patch_bodies[0], moved));   // went out before the withdrawal
  EXPECT_FALSE(BodyHasAny(patch_bodies[1], moved));  // the retry did not carry them again
  EXPECT_TRUE(BodyHasAny(patch_bodies[1], kept));
}

TEST(DeliveryEngineWithdrawTest, PlannedChunksAreRebuiltWithoutTheWithdrawnRecords) {
  config::Config cfg = FakeConfig();
  cfg.pinterest.max_records_per_request = 10;
  cfg.pinterest.max_concurrent_requests = 1;  // one request on the wire at a time
  EngineHarness h(cfg);
  h.pinterest().AddList("111", "vip-EMAIL");
  bool release = false;
  h.pinterest().hold = [&](const HttpRequest& r) { return IsPatch(r) && !release; };
  h.Start();
  // Interleaved partitions across 6 chunks of 10.
  std::vector<aggregate::BatchRecord> adds;
  std::vector<aggregate::BatchRecord> moved;
  for (uint64_t n = 0; n < 60; ++n) {
    adds.push_back({IdFor(n), static_cast<aggregate::PartitionId>(n % 2)});
    if (n % 2 == 1) moved.push_back(adds.back());
  }
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, adds));
  h.Turns(5);  // the audience lookup, then the first PATCH, held on the wire
  ASSERT_EQ(h.engine().in_flight(), 1u);
  EXPECT_EQ(h.engine().Withdraw({1}), moved.size() - 5);  // 5 are in the request on the wire
  release = true;
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].second.adds.size(), 30u);
  std::vector<std::string> patches;
  for (const auto& r : h.transport().started()) {
    if (IsPatch(r)) patches.push_back(r.body);
  }
  // The one on the wire, then the five other chunks, each pruned to its 5 remaining records.
  ASSERT_EQ(patches.size(), 6u);
  EXPECT_TRUE(BodyHasAny(patches[0], moved));
  for (size_t i = 1; i < patches.size(); ++i) EXPECT_FALSE(BodyHasAny(patches[i], moved));
}

TEST(DeliveryEngineWithdrawTest, ABatchWhollyWithdrawnFinishesWithoutRequests) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  h.Start();
  auto batch = MakeBatch(1, "111", "vip", ListType::kEmail, OfPartition(0, 5, 3));
  batch.not_before = h.clock().Now() + seconds(10);  // still queued when withdrawn
  h.engine().Submit(std::move(batch));
  EXPECT_EQ(h.engine().Withdraw({3}), 5u);
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.status, DeliveryStatus::kAcknowledged);
  EXPECT_EQ(out[0].second.size(), 0u);
  EXPECT_EQ(h.CountLog("PATCH"), 0u);
}

TEST(DeliveryEngineWithdrawTest, BatchesSubmittedAfterAWithdrawalAreDeliveredWhole) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  h.Start();
  EXPECT_EQ(h.engine().Withdraw({1}), 0u);
  auto again = OfPartition(0, 7, 1);  // partition 1 assigned here again later
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, again));
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL")->members, Hexes(again));
}

TEST(DeliveryEngineWithdrawTest, AnEmbargoedBatchSendsNothingBeforeNotBefore) {
  EngineHarness h;
  h.Start();
  const SteadyTime start = h.clock().Now();
  auto batch = MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3));
  batch.not_before = start + seconds(5);
  h.engine().Submit(std::move(batch));
  // A later batch of the same list joins it (it has not started), so it waits as well.
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, {}, Records(0, 3)));
  h.Turns(490);  // 4.9 s
  EXPECT_TRUE(h.transport().started().empty());
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.merged_batch_ids, std::vector<uint64_t>{2});
  EXPECT_GE(h.clock().Now() - start, seconds(5));
  // The later remove won over the earlier add: nothing to add, so no list was created.
  EXPECT_EQ(h.pinterest().FindList("111", "vip-EMAIL"), nullptr);
  EXPECT_TRUE(out[0].second.adds.empty());
}

TEST(DeliveryEngineWithdrawTest, DormantUntilTheEarliestEmbargoEndsAndBusyOnceABatchStarts) {
  EngineHarness h;
  h.Start();
  const SteadyTime start = h.clock().Now();
  EXPECT_EQ(h.engine().DormantUntil(), SteadyTime::max());  // nothing queued
  auto later = MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3));
  later.not_before = start + seconds(5);
  h.engine().Submit(std::move(later));
  EXPECT_EQ(h.engine().DormantUntil(), start + seconds(5));
  auto sooner = MakeBatch(2, "111", "new", ListType::kEmail, Records(10, 3));
  sooner.not_before = start + seconds(3);
  h.engine().Submit(std::move(sooner));
  // Behind an embargoed head, a batch of the same list waits for it whatever its own embargo.
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, Records(20, 3)));
  h.Turns(290);  // 2.9 s: both still embargoed
  EXPECT_TRUE(h.transport().started().empty());
  EXPECT_EQ(h.engine().DormantUntil(), start + seconds(3));

  h.clock().Advance(milliseconds(100));  // 3 s: "new" starts at the next Pump
  h.engine().Pump();
  EXPECT_FALSE(h.transport().started().empty());
  EXPECT_EQ(h.engine().DormantUntil(), std::nullopt);

  auto out = h.Run(2);  // both lists delivered (batch 3 merged into batch 1)
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(h.engine().in_flight(), 0u);
  EXPECT_EQ(h.engine().DormantUntil(), SteadyTime::max());
}

TEST(DeliveryEngineWithdrawTest, NotDormantWhileAFinishedBatchIsUntaken) {
  EngineHarness h;
  h.pinterest().AddList("111", "vip-EMAIL");
  h.Start();
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 3)));
  bool finished = false;
  for (int turn = 0; turn < 1000 && !finished; ++turn) {
    h.engine().Pump();
    h.transport().Poll(milliseconds(0));
    h.engine().Pump();
    finished = h.engine().queued_batches() == 0;
    h.clock().Advance(milliseconds(10));
  }
  ASSERT_TRUE(finished);
  EXPECT_EQ(h.engine().DormantUntil(), std::nullopt);  // its outcome is still to be taken
  EXPECT_EQ(h.engine().TakeFinished().size(), 1u);
  EXPECT_EQ(h.engine().DormantUntil(), SteadyTime::max());
}

}  // namespace
}  // namespace pinsync::pinterest
