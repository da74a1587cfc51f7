// Later batches joining the unsent part of a batch that has started: fuller requests, and still
// each record's changes in order against Pinterest, no record lost, and a merged batch settled
// only once Pinterest acknowledged its records.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pinsync/pinterest/delivery_engine.h"
#include "pinsync/pinterest/unsent_merge.h"
#include "pinterest/engine_harness.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;

bool IsPatch(const HttpRequest& r) { return r.method == HttpMethod::kPatch; }
bool Carries(const HttpRequest& r, uint64_t n) {
  return r.body.find(IdFor(n).Hex()) != r.body.npos;
}
bool IsRemove(const HttpRequest& r) { return r.body.find("\"REMOVE\"") != r.body.npos; }

TEST(UnsentMergeTest, TheLaterChangeWinsAndEntriesOnTheWireKeepTheirIndex) {
  // Adds 0..3 (0 acknowledged, 1 on the wire), removes 10..11 (10 on the wire).
  auto started = MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 4), Records(10, 2));
  started.lowest_offsets = {{0, 50}};
  UnsentRecords unsent{{2, 3}, {1}};
  SupersededRecords superseded;
  RecordIndex where = IndexRecords(started, superseded);
  // Record 2 leaves, record 11 comes back, record 3 is added again from partition 7, 20 is new,
  // and record 0 (acknowledged) leaves.
  auto later = MakeBatch(2, "111", "vip", ListType::kEmail, {{IdFor(11), 0}, {IdFor(3), 7}},
                         {{IdFor(2), 0}, {IdFor(0), 0}});
  later.adds.push_back({IdFor(20), 0});
  later.lowest_offsets = {{0, 40}, {1, 90}};
  MergeIntoUnsent(started, later, where, unsent, superseded);

  EXPECT_EQ(started.adds[1].id, IdFor(1)) << "entries on the wire keep their index";
  EXPECT_EQ(started.removes[0].id, IdFor(10));
  EXPECT_EQ(started.adds[3].partition, 7u) << "the latest change's partition";
  std::set<std::string> unsent_adds, unsent_removes;
  for (uint32_t i : unsent.adds) unsent_adds.insert(started.adds[i].id.Hex());
  for (uint32_t i : unsent.removes) unsent_removes.insert(started.removes[i].id.Hex());
  EXPECT_EQ(unsent_adds, Hexes({{IdFor(3), 0}, {IdFor(11), 0}, {IdFor(20), 0}}));
  EXPECT_EQ(unsent_removes, Hexes({{IdFor(2), 0}, {IdFor(0), 0}}))
      << "the remove of an acknowledged add is sent";
  std::map<aggregate::PartitionId, int64_t> lowest(started.lowest_offsets.begin(),
                                                   started.lowest_offsets.end());
  EXPECT_EQ(lowest, (std::map<aggregate::PartitionId, int64_t>{{0, 40}, {1, 90}}));
  EXPECT_EQ(where.at(IdFor(0)).first, false);
  EXPECT_EQ(where.at(IdFor(11)).first, true);

  ASSERT_TRUE(superseded.any());
  DropSuperseded(started, superseded);
  // Each record once, with its last change; adds and removes disjoint.
  EXPECT_EQ(Hexes(started.adds),
            Hexes({{IdFor(1), 0}, {IdFor(3), 0}, {IdFor(11), 0}, {IdFor(20), 0}}));
  EXPECT_EQ(Hexes(started.removes), Hexes({{IdFor(10), 0}, {IdFor(2), 0}, {IdFor(0), 0}}));
  EXPECT_EQ(started.adds.size(), 4u);
  EXPECT_EQ(started.removes.size(), 3u);
  EXPECT_FALSE(superseded.any());
}

// One request at a time, 10 records a request: a batch of 30 adds has two requests unsent while
// its first is on the wire.
config::Config Limits(int concurrent) {
  config::Config c = FakeConfig();
  c.pinterest.max_concurrent_requests = concurrent;
  c.pinterest.max_records_per_request = 10;
  return c;
}

// The list and its audience resolved by a first batch (record 9999), so the requests of the
// batches below are all PATCHes.
void StartWarm(EngineHarness& h) {
  const std::string id = h.pinterest().AddList("111", "vip-EMAIL");
  h.pinterest().audiences["111"].push_back({"1", "vip", id});
  h.Start();
  h.engine().Submit(MakeBatch(999, "111", "vip", ListType::kEmail, Records(9999, 1)));
  ASSERT_EQ(h.Run(1).size(), 1u);
}

std::set<std::string> Members(EngineHarness& h) {
  return h.pinterest().FindList("111", "vip-EMAIL")->members;
}

TEST(DeliveryEngineMergeTest, ALaterBatchFillsTheUnsentRequestsOfTheBatchInFlight) {
  EngineHarness h(Limits(1));
  StartWarm(h);
  bool release = false;
  h.pinterest().hold = [&](const HttpRequest& r) { return IsPatch(r) && !release; };
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 25)));
  h.Turns(5);
  // 0..9 on the wire; 10..24 unsent. Record 24 leaves, 15 new ones come.
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(100, 15), Records(24, 1)));
  EXPECT_EQ(h.engine().queued_batches(), 1u) << "batch 2 joined the batch in flight";
  release = true;
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 1u);
  EXPECT_EQ(out[0].first.merged_batch_ids, std::vector<uint64_t>{2});
  // The adds not sent (10..23 and 100..114: 29) leave in 3 requests; the add of 24 was never
  // sent and its remove goes alone. Plus the warm-up's and the first request.
  EXPECT_EQ(h.CountLog("PATCH"), 1u + 1u + 3u + 1u);
  for (const auto& r : h.transport().started()) {
    EXPECT_FALSE(IsPatch(r) && !IsRemove(r) && Carries(r, 24)) << "the superseded add was sent";
  }
  std::set<std::string> expected = Hexes(Records(0, 24));
  for (const auto& hex : Hexes(Records(100, 15))) expected.insert(hex);
  expected.insert(IdFor(9999).Hex());
  EXPECT_EQ(Members(h), expected);
  // The outcome's batch holds each record once, with its last change.
  EXPECT_EQ(out[0].second.adds.size(), 24u + 15u);
  EXPECT_EQ(Hexes(out[0].second.removes), Hexes(Records(24, 1)));
}

TEST(DeliveryEngineMergeTest, ARemoveNeverOvertakesItsAddOnTheWire) {
  EngineHarness h(Limits(2));
  StartWarm(h);
  bool release = false;
  // The request carrying adds 0..9 stays on the wire until released; 10..29 go through.
  h.pinterest().hold = [&](const HttpRequest& r) {
    return IsPatch(r) && Carries(r, 0) && !release;
  };
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 30)));
  h.Turns(10);
  // Record 3's add may not have landed: a batch removing it waits for the next turn, whole.
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(200, 1), {{IdFor(3), 0}}));
  // A batch after it joins it, not the batch in flight: it may not overtake batch 2.
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, Records(202, 1)));
  EXPECT_EQ(h.engine().queued_batches(), 2u);
  h.Turns(50);
  for (const auto& r : h.transport().started()) {
    EXPECT_FALSE(IsRemove(r)) << "a REMOVE started while the ADD of its record was on the wire";
    EXPECT_FALSE(Carries(r, 200) || Carries(r, 202)) << "a later batch overtook batch 2";
  }
  release = true;
  auto out = h.Run(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first.batch_id, 1u);
  EXPECT_TRUE(out[0].first.merged_batch_ids.empty());
  EXPECT_EQ(out[1].first.batch_id, 2u);
  EXPECT_EQ(out[1].first.merged_batch_ids, std::vector<uint64_t>{3});
  // Pinterest saw record 3 added, then removed.
  std::set<std::string> expected = Hexes(Records(0, 30));
  expected.erase(IdFor(3).Hex());
  for (uint64_t n : {200, 202, 9999}) expected.insert(IdFor(n).Hex());
  EXPECT_EQ(Members(h), expected);
}

TEST(DeliveryEngineMergeTest, AChangeAfterAnAcknowledgedOneJoinsTheStartedBatch) {
  EngineHarness h(Limits(2));
  StartWarm(h);
  bool release = false;
  // Adds 0..9 are acknowledged; the request carrying 10..19 stays on the wire.
  h.pinterest().hold = [&](const HttpRequest& r) {
    return IsPatch(r) && Carries(r, 10) && !release;
  };
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 30)));
  h.Turns(10);
  ASSERT_TRUE(Members(h).contains(IdFor(3).Hex()));
  // Record 3's add was acknowledged: its remove joins batch 1 and goes at once.
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, {}, {{IdFor(3), 0}}));
  EXPECT_EQ(h.engine().queued_batches(), 1u);
  h.Turns(10);
  EXPECT_FALSE(Members(h).contains(IdFor(3).Hex()));
  // Record 12's add is on the wire: its remove waits for the next turn.
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, {}, {{IdFor(12), 0}}));
  EXPECT_EQ(h.engine().queued_batches(), 2u);
  h.Turns(20);
  for (const auto& r : h.transport().started()) {
    EXPECT_FALSE(IsRemove(r) && Carries(r, 12)) << "the remove overtook the add on the wire";
  }
  release = true;
  auto out = h.Run(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first.merged_batch_ids, std::vector<uint64_t>{2});
  EXPECT_EQ(Hexes(out[0].second.removes), Hexes(Records(3, 1)));
  EXPECT_EQ(out[0].second.adds.size(), 29u) << "the acknowledged add of 3 is superseded";
  EXPECT_EQ(out[1].first.batch_id, 3u);
  std::set<std::string> expected = Hexes(Records(0, 30));
  expected.erase(IdFor(3).Hex());
  expected.erase(IdFor(12).Hex());
  expected.insert(IdFor(9999).Hex());
  EXPECT_EQ(Members(h), expected);
}

// Record 3 is added (acknowledged), removed by a later batch that joins the started one, and
// added again while that remove is on the wire: the entry that counts is the remove (the add it
// superseded was answered long ago), so the third change waits for the next turn.
TEST(DeliveryEngineMergeTest, AChangeWaitsForTheOnTheWireChangeThatSupersededAnAnsweredOne) {
  EngineHarness h(Limits(2));
  StartWarm(h);
  bool release = false;
  h.pinterest().hold = [&](const HttpRequest& r) {
    return IsPatch(r) && (Carries(r, 10) || (IsRemove(r) && Carries(r, 3))) && !release;
  };
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 30)));
  h.Turns(10);
  ASSERT_TRUE(Members(h).contains(IdFor(3).Hex()));
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, {}, {{IdFor(3), 0}}));
  ASSERT_EQ(h.engine().queued_batches(), 1u) << "the remove of an acknowledged add joins";
  h.Turns(10);
  size_t removes_of_3 = 0;
  for (const auto& r : h.transport().started()) removes_of_3 += IsRemove(r) && Carries(r, 3);
  ASSERT_EQ(removes_of_3, 1u) << "the remove of 3 should be on the wire";
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, Records(3, 1)));
  EXPECT_EQ(h.engine().queued_batches(), 2u)
      << "the add of 3 joined while its remove is unanswered";
  h.Turns(20);
  size_t adds_of_3 = 0;
  for (const auto& r : h.transport().started()) adds_of_3 += !IsRemove(r) && Carries(r, 3);
  EXPECT_EQ(adds_of_3, 1u) << "the add of 3 went again before its remove was answered";
  release = true;
  auto out = h.Run(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first.merged_batch_ids, std::vector<uint64_t>{2});
  EXPECT_EQ(out[1].first.batch_id, 3u);
  EXPECT_TRUE(Members(h).contains(IdFor(3).Hex())) << "added, removed, added again";
}

// At scale: 19,000 records acknowledged around one request held on the wire. A change to an
// acknowledged record joins the started batch; a change to a record on the wire waits.
TEST(DeliveryEngineMergeTest, TheRecordOnTheWireStaysUnansweredWhileThousandsAreAcknowledged) {
  config::Config config = Limits(2);
  config.pinterest.max_records_per_request = 1000;
  EngineHarness h(config);
  StartWarm(h);
  bool release = false;
  // Of 20 requests of 1,000 adds, the one carrying 115,000..115,999 stays on the wire.
  h.pinterest().hold = [&](const HttpRequest& r) {
    return IsPatch(r) && Carries(r, 115500) && !release;
  };
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(100000, 20000)));
  h.Turns(100);  // 1 s: batch 1 keeps taking changes for half of retry_max_duration (5 s)
  const auto members = Members(h);
  for (uint64_t n : {100000, 100003, 114999, 116000, 119999}) {
    ASSERT_TRUE(members.contains(IdFor(n).Hex())) << n << " should be acknowledged by now";
  }
  ASSERT_FALSE(members.contains(IdFor(115500).Hex()));
  // Record 100,003's add was acknowledged: its remove joins batch 1.
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, {}, {{IdFor(100003), 0}}));
  EXPECT_EQ(h.engine().queued_batches(), 1u);
  // Record 115,500's add is still on the wire: its remove waits for the next turn.
  h.engine().Submit(MakeBatch(3, "111", "vip", ListType::kEmail, {}, {{IdFor(115500), 0}}));
  EXPECT_EQ(h.engine().queued_batches(), 2u);
  h.Turns(20);
  for (const auto& r : h.transport().started()) {
    EXPECT_FALSE(IsRemove(r) && Carries(r, 115500)) << "the remove overtook the add on the wire";
  }
  release = true;
  auto out = h.Run(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first.merged_batch_ids, std::vector<uint64_t>{2});
  EXPECT_EQ(out[1].first.batch_id, 3u);
  std::set<std::string> expected = Hexes(Records(100000, 20000));
  expected.erase(IdFor(100003).Hex());
  expected.erase(IdFor(115500).Hex());
  expected.insert(IdFor(9999).Hex());
  EXPECT_EQ(Members(h), expected);
}

TEST(DeliveryEngineMergeTest, AMergedBatchSettlesOnlyOnceItsRecordsAreAcknowledged) {
  EngineHarness h(Limits(1));
  StartWarm(h);
  bool release = false;
  // The request carrying batch 2's records (500 on) is held on the wire.
  h.pinterest().hold = [&](const HttpRequest& r) { return Carries(r, 500) && !release; };
  h.engine().Submit(MakeBatch(1, "111", "vip", ListType::kEmail, Records(0, 20)));
  h.engine().Pump();  // 0..9 on the wire, 10..19 unsent
  h.engine().Submit(MakeBatch(2, "111", "vip", ListType::kEmail, Records(500, 3)));
  ASSERT_EQ(h.engine().queued_batches(), 1u) << "batch 2 joined the started batch 1";
  // Batch 1's records are acknowledged, batch 2's are not: nothing may settle, for the outcome
  // of batch 1 releases batch 2's offset holds too.
  for (int turn = 0; turn < 200; ++turn) {
    h.engine().Pump();
    h.transport().Poll(milliseconds(0));
    ASSERT_TRUE(h.engine().TakeFinished().empty()) << "settled before batch 2 was acknowledged";
    h.clock().Advance(milliseconds(10));
  }
  for (uint64_t n = 0; n < 20; ++n) EXPECT_TRUE(Members(h).contains(IdFor(n).Hex())) << n;
  EXPECT_FALSE(Members(h).contains(IdFor(500).Hex()));
  release = true;
  auto out = h.Run(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first.batch_id, 1u);
  EXPECT_EQ(out[0].first.merged_batch_ids, std::vector<uint64_t>{2});
  EXPECT_EQ(out[0].second.adds.size(), 23u);
  EXPECT_TRUE(Members(h).contains(IdFor(502).Hex()));
}

TEST(DeliveryEngineMergeTest, AStreamOfOverlappingBatchesLosesNoRecordAndKeepsTheLastChange) {
  config::Config c = Limits(2);
  c.pinterest.requests_per_minute = 600;  // 10/s: the stream below needs about twice that
  EngineHarness h(c);
  h.pinterest().AddList("111", "vip-EMAIL");
  // Every seventh PATCH is answered 503 (not applied) and retried.
  int patches = 0;
  h.pinterest().fault = [&](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (IsPatch(r) && ++patches % 7 == 0) return Answer(503, R"({"code":503})");
    return std::nullopt;
  };
  h.Start();
  std::map<uint64_t, bool> last;  // record -> member after its last change
  std::set<uint64_t> submitted, settled;
  auto settle = [&](const Outcomes& outcomes) {
    for (const auto& [outcome, batch] : outcomes) {
      EXPECT_EQ(outcome.status, DeliveryStatus::kAcknowledged);
      EXPECT_TRUE(settled.insert(outcome.batch_id).second);
      for (uint64_t m : outcome.merged_batch_ids) EXPECT_TRUE(settled.insert(m).second);
    }
  };
  auto turn = [&] {
    h.engine().Pump();
    h.transport().Poll(milliseconds(0));
    settle(h.engine().TakeFinished());
    h.clock().Advance(milliseconds(30));
  };
  for (uint64_t round = 0; round < 40; ++round) {
    std::vector<aggregate::BatchRecord> adds, removes;
    for (uint64_t k = 0; k < 12; ++k) {
      const uint64_t n = (round * 7 + k * 5) % 60;  // records come back, batch after batch
      const bool add = (round + k) % 3 != 0;
      (add ? adds : removes).push_back({IdFor(n), static_cast<aggregate::PartitionId>(k % 3)});
      last[n] = add;
    }
    h.engine().Submit(MakeBatch(round + 1, "111", "vip", ListType::kEmail, adds, removes));
    submitted.insert(round + 1);
    for (int t = 0; t < 3; ++t) turn();
  }
  for (int t = 0; t < 5000 && settled.size() < submitted.size(); ++t) turn();
  EXPECT_EQ(settled, submitted) << "every batch settled exactly once";
  std::set<std::string> expected;
  for (const auto& [n, member] : last) {
    if (member) expected.insert(IdFor(n).Hex());
  }
  EXPECT_EQ(Members(h), expected);
  EXPECT_GT(h.stats().batches_merged.Value(), 0.0);
}

}  // namespace
}  // namespace pinsync::pinterest
