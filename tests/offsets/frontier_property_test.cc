// Property test: the aggregator and the frontier together, driven the way the connector drives
// them, over random streams (several partitions and lists, duplicate users, dead letters,
// revocations with replay) with batches acknowledged in random order. A model tracks which
// messages each batch contains; after every step the frontier must equal the model's answer:
// the lowest offset not yet settled, or one past the last consumed. That is: it never passes an
// unacknowledged offset, and it reaches the end once everything is acknowledged. It must also
// never move backwards while a partition stays assigned, and each batch must hold exactly the
// net changes of the messages that went into it.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "pinsync/aggregate/audience_aggregator.h"
#include "pinsync/offsets/offset_frontier.h"

namespace pinsync::offsets {
namespace {

using aggregate::AudienceAggregator;
using aggregate::Batch;
using aggregate::ListKey;
using namespace std::chrono_literals;

HashedId UserId(uint64_t n) {
  HashedId id;
  id.length = 32;
  uint64_t x = n * 0x9E3779B97F4A7C15ull + 7;
  for (size_t i = 0; i < 32; i += 8) {
    std::memcpy(id.bytes.data() + i, &x, 8);
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  }
  return id;
}

// The changes that went into one batch: net state per record, lowest offset per partition.
struct Segment {
  std::map<std::string, std::pair<MembershipOp, PartitionId>> latest;  // by id hex
  std::map<PartitionId, int64_t> lowest;
  bool empty() const { return latest.empty() && lowest.empty(); }
};

struct KeyModel {
  std::deque<Segment> sealed;
  std::optional<Segment> open;
};

class FrontierPropertyRun {
 public:
  explicit FrontierPropertyRun(uint32_t seed)
      : rng_(seed),
        partitions_(2 + seed % 3),
        max_records_(2 + seed % 7),
        aggregator_(
            [this](const std::string&) {
              return config::BatchingConfig{max_records_, config::Millis(10000)};
            },
            clock_) {
    for (PartitionId p = 0; p < partitions_; ++p) {
      frontier_.Assign(p);
      next_offset_[p] = 0;
    }
    const char* audiences[] = {"vip", "churn", "new"};
    for (const char* a : audiences) {
      keys_.push_back(ListKey{"1", a, ListType::kEmail});
      keys_.push_back(ListKey{"1", a, ListType::kMaid});
    }
  }

  void Run(int steps) {
    for (int step = 0; step < steps && !::testing::Test::HasFailure(); ++step) {
      const int action = Pick(100);
      if (action < 55) {
        ConsumeMessage();
      } else if (action < 65) {
        clock_.Advance(std::chrono::milliseconds(Pick(4000)));
        Submit(aggregator_.TakeReady());
      } else if (action < 68) {
        Submit(aggregator_.FlushLargestUntil(Pick(10)));
      } else if (action < 88) {
        AckRandomBatch();
      } else if (action < 94) {
        SettleRandomDeadLetter();
      } else if (action < 98) {
        Commit();
      } else {
        RevokeAndReassign(static_cast<PartitionId>(Pick(partitions_)));
      }
      Check();
    }
    // Shutdown: flush everything, acknowledge everything, in random order.
    Submit(aggregator_.FlushAll());
    Check();
    while (!in_flight_.empty() || !dead_letters_.empty()) {
      if (!in_flight_.empty() && (dead_letters_.empty() || Pick(2))) {
        AckRandomBatch();
      } else {
        SettleRandomDeadLetter();
      }
      Check();
    }
    EXPECT_EQ(frontier_.held(), 0u);
    EXPECT_EQ(aggregator_.buffered_records(), 0u);
    for (PartitionId p = 0; p < partitions_; ++p) {
      if (!last_consumed_[p]) continue;
      EXPECT_EQ(frontier_.Committable(p), *last_consumed_[p] + 1) << "partition " << p;
    }
    EXPECT_EQ(frontier_.unmatched_releases(), 0u);
  }

  uint64_t messages() const { return messages_; }
  uint64_t batches() const { return batches_; }

 private:
  uint64_t Pick(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }

  void ConsumeMessage() {
    const auto p = static_cast<PartitionId>(Pick(partitions_));
    const int64_t offset = next_offset_[p]++;
    ++messages_;
    const int kind = static_cast<int>(Pick(20));
    if (kind == 0) {
      // Yields nothing and is dead-lettered: held by itself until the copy is acknowledged.
      frontier_.Hold(p, offset);
      dead_letters_.emplace_back(p, offset);
    } else if (kind > 1) {  // kind 1: yields nothing, nothing to send (counted and skipped)
      const int changes = 1 + static_cast<int>(Pick(3));
      for (int i = 0; i < changes; ++i) {
        const ListKey& key = keys_[Pick(keys_.size())];
        // Users live on one partition (events are keyed by user); a small pool makes repeats.
        const uint64_t user = p * 1000 + Pick(12);
        const MembershipOp op = Pick(2) ? MembershipOp::kAdd : MembershipOp::kRemove;
        const aggregate::HoldChange change =
            aggregator_.Add(key, key.audience_id, UserId(user), op, p, offset);
        if (change.hold) frontier_.Hold(p, *change.hold);
        if (change.release) frontier_.Release(p, *change.release);
        ModelAdd(key, UserId(user), op, p, offset);
      }
    }
    frontier_.Consumed(p, offset);
    last_consumed_[p] = offset;
  }

  void ModelAdd(const ListKey& key, const HashedId& id, MembershipOp op, PartitionId p,
                int64_t offset) {
    KeyModel& model = model_[key];
    if (!model.open) model.open.emplace();
    Segment& s = *model.open;
    s.latest[id.Hex()] = {op, p};
    if (!s.lowest.contains(p)) s.lowest[p] = offset;
    s.lowest[p] = std::min(s.lowest[p], offset);
    if (s.latest.size() >= max_records_) {
      model.sealed.push_back(std::move(s));
      model.open.reset();
    }
  }

  void Submit(std::vector<Batch> batches) {
    for (Batch& b : batches) {
      ASSERT_GT(b.id, last_batch_id_) << "batch ids must increase";
      last_batch_id_ = b.id;
      KeyModel& model = model_[b.key];
      Segment expected;
      if (!model.sealed.empty()) {
        expected = std::move(model.sealed.front());
        model.sealed.pop_front();
      } else {
        ASSERT_TRUE(model.open.has_value()) << "a batch came out that the model has not seen";
        expected = std::move(*model.open);
        model.open.reset();
      }
      std::map<std::string, std::pair<MembershipOp, PartitionId>> actual;
      for (const auto& r : b.adds) actual[r.id.Hex()] = {MembershipOp::kAdd, r.partition};
      for (const auto& r : b.removes) actual[r.id.Hex()] = {MembershipOp::kRemove, r.partition};
      ASSERT_EQ(actual.size(), b.size()) << "adds and removes must be disjoint";
      ASSERT_EQ(actual, expected.latest) << "batch " << b.id;
      const std::map<PartitionId, int64_t> lowest(b.lowest_offsets.begin(), b.lowest_offsets.end());
      ASSERT_EQ(lowest, expected.lowest) << "batch " << b.id;
      in_flight_.emplace(b.id, std::move(expected));
      ++batches_;
    }
  }

  void AckRandomBatch() {
    if (in_flight_.empty()) return;
    auto it = std::next(in_flight_.begin(), static_cast<long>(Pick(in_flight_.size())));
    // What the connector releases: the batch's lowest offsets, less revoked partitions.
    for (const auto& [p, offset] : it->second.lowest) frontier_.Release(p, offset);
    in_flight_.erase(it);
  }

  void SettleRandomDeadLetter() {
    if (dead_letters_.empty()) return;
    const size_t i = Pick(dead_letters_.size());
    frontier_.Release(dead_letters_[i].first, dead_letters_[i].second);
    dead_letters_.erase(dead_letters_.begin() + static_cast<long>(i));
  }

  void Commit() {
    for (const auto& [p, offset] : frontier_.TakeCommittable()) {
      ASSERT_TRUE(!committed_[p] || offset > *committed_[p]) << "commit went backwards";
      ASSERT_EQ(frontier_.Committable(p), offset);
      committed_[p] = offset;
    }
  }

  // The partition moves away and comes back: the frontier and the aggregator forget it, batches
  // in flight no longer release it, and consumption restarts at the last commit (a replay).
  void RevokeAndReassign(PartitionId p) {
    frontier_.Revoke(p);
    aggregator_.DropPartition(p);
    for (auto& [key, model] : model_) {
      auto strip = [p](Segment& s) {
        std::erase_if(s.latest, [p](const auto& entry) { return entry.second.second == p; });
        s.lowest.erase(p);
      };
      for (Segment& s : model.sealed) strip(s);
      std::erase_if(model.sealed, [](const Segment& s) { return s.empty(); });
      if (model.open) {
        strip(*model.open);
        if (model.open->empty()) model.open.reset();
      }
    }
    for (auto& [id, segment] : in_flight_) segment.lowest.erase(p);
    std::erase_if(dead_letters_, [p](const auto& d) { return d.first == p; });
    frontier_.Assign(p);
    next_offset_[p] = committed_[p].value_or(0);
    last_consumed_[p].reset();
    previous_[p].reset();
    committed_[p].reset();
  }

  void Check() {
    size_t holds = dead_letters_.size();
    std::map<PartitionId, int64_t> lowest;
    auto note = [&lowest](PartitionId p, int64_t offset) {
      auto [it, inserted] = lowest.emplace(p, offset);
      if (!inserted) it->second = std::min(it->second, offset);
    };
    auto note_segment = [&](const Segment& s) {
      holds += s.lowest.size();
      for (const auto& [p, offset] : s.lowest) note(p, offset);
    };
    for (const auto& [key, model] : model_) {
      for (const Segment& s : model.sealed) note_segment(s);
      if (model.open) note_segment(*model.open);
    }
    for (const auto& [id, s] : in_flight_) note_segment(s);
    for (const auto& [p, offset] : dead_letters_) note(p, offset);
    ASSERT_EQ(frontier_.held(), holds);
    for (PartitionId p = 0; p < partitions_; ++p) {
      const std::optional<int64_t> actual = frontier_.Committable(p);
      if (!last_consumed_[p]) {
        ASSERT_EQ(actual, std::nullopt);
        continue;
      }
      int64_t expected = *last_consumed_[p] + 1;
      if (auto it = lowest.find(p); it != lowest.end()) expected = std::min(expected, it->second);
      ASSERT_EQ(actual, expected) << "partition " << p << " after " << messages_ << " messages";
      ASSERT_TRUE(!previous_[p] || *actual >= *previous_[p]) << "frontier moved backwards";
      previous_[p] = actual;
    }
  }

  std::mt19937 rng_;
  ManualClock clock_;
  uint32_t partitions_;
  size_t max_records_;
  AudienceAggregator aggregator_;
  OffsetFrontier frontier_;
  std::vector<ListKey> keys_;
  std::map<ListKey, KeyModel> model_;
  std::map<uint64_t, Segment> in_flight_;
  std::vector<std::pair<PartitionId, int64_t>> dead_letters_;
  std::map<PartitionId, int64_t> next_offset_;
  std::map<PartitionId, std::optional<int64_t>> last_consumed_, previous_, committed_;
  uint64_t last_batch_id_ = 0;
  uint64_t messages_ = 0;
  uint64_t batches_ = 0;
};

TEST(FrontierPropertyTest, RandomInterleavingsNeverPassAnUnacknowledgedOffset) {
  uint64_t messages = 0, batches = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FrontierPropertyRun run(seed);
    run.Run(2500);
    messages += run.messages();
    batches += run.batches();
    if (HasFailure()) break;
  }
  // The runs must actually exercise the system.
  EXPECT_GT(messages, 50'000u);
  EXPECT_GT(batches, 10'000u);
}

}  // namespace
}  // namespace pinsync::offsets
