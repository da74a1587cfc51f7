// The aggregator's hot path: Add throughput (new records and repeats), the idle TakeReady
// called after every poll, flushing a full batch, and the memory a buffered record costs.

#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pinsync/aggregate/audience_aggregator.h"
#include "pinsync/aggregate/record_set.h"
#include "pinsync/offsets/offset_frontier.h"

namespace pinsync::aggregate {
namespace {

HashedId BenchId(uint64_t n) {
  HashedId id;
  id.length = 32;
  uint64_t x = n * 0x9E3779B97F4A7C15ull + 3;
  for (size_t i = 0; i < 32; i += 8) {
    std::memcpy(id.bytes.data() + i, &x, 8);
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  }
  return id;
}

std::vector<HashedId> MakeIds(size_t n) {
  std::vector<HashedId> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i) ids.push_back(BenchId(i));
  return ids;
}

std::vector<ListKey> MakeKeys(size_t audiences) {
  std::vector<ListKey> keys;
  for (size_t a = 0; a < audiences; ++a) {
    keys.push_back({"549755813599", "audience-" + std::to_string(a), ListType::kEmail});
  }
  return keys;
}

BatchingPolicyFn Policy(size_t max_records) {
  return [max_records](const std::string&) {
    return config::BatchingConfig{max_records, config::Millis(3LL * 3600 * 1000)};
  };
}

// New records: each iteration buffers range(0) distinct records over range(1) lists (no
// flush: max_records is above the per-list count), as a backlog being consumed.
void BM_AddNewRecords(benchmark::State& state) {
  const auto records = static_cast<size_t>(state.range(0));
  const auto lists = static_cast<size_t>(state.range(1));
  const std::vector<HashedId> ids = MakeIds(records);
  const std::vector<ListKey> keys = MakeKeys(lists);
  ManualClock clock;
  double bytes_per_record = 0;
  for (auto _ : state) {
    auto aggregator = std::make_unique<AudienceAggregator>(Policy(1'000'000), clock);
    for (size_t i = 0; i < records; ++i) {
      aggregator->Add(keys[i % lists], "bench", ids[i], MembershipOp::kAdd,
                      static_cast<PartitionId>(i & 7), static_cast<int64_t>(i));
    }
    benchmark::DoNotOptimize(aggregator->buffered_records());
    state.PauseTiming();  // measuring and freeing the buffers is not part of Add
    bytes_per_record = static_cast<double>(aggregator->buffered_bytes()) /
                       static_cast<double>(aggregator->buffered_records());
    aggregator.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records));
  state.counters["bytes_per_record"] = bytes_per_record;
}
BENCHMARK(BM_AddNewRecords)
    ->Args({100'000, 1})
    ->Args({1'000'000, 10})
    ->Args({1'000'000, 1000})
    ->Unit(benchmark::kMillisecond);

// The connector's pattern: each message carries an email and a mobile id for one of 50
// audiences, so two Adds per message into the audience's EMAIL and MAID lists. The argument is
// how many consecutive messages share an audience: 1, as in connector_cpu_bench's stream, or
// runs of 100, as when an upstream job publishes an audience's changes together.
void BM_AddMessages(benchmark::State& state) {
  constexpr size_t kMessages = 200'000;
  constexpr size_t kAudiences = 50;
  const auto run = static_cast<size_t>(state.range(0));
  const std::vector<HashedId> ids = MakeIds(2 * kMessages);
  std::vector<ListKey> email = MakeKeys(kAudiences), maid = email;
  for (auto& key : maid) key.list_type = ListType::kMaid;
  ManualClock clock;
  for (auto _ : state) {
    auto aggregator = std::make_unique<AudienceAggregator>(Policy(1'000'000), clock);
    for (size_t m = 0; m < kMessages; ++m) {
      const size_t audience = (m / run * 7919) % kAudiences;
      const auto offset = static_cast<int64_t>(m);
      aggregator->Add(email[audience], "bench", ids[2 * m], MembershipOp::kAdd, 0, offset);
      aggregator->Add(maid[audience], "bench", ids[2 * m + 1], MembershipOp::kAdd, 0, offset);
    }
    benchmark::DoNotOptimize(aggregator->buffered_records());
    state.PauseTiming();
    aggregator.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 2 * kMessages));
}
BENCHMARK(BM_AddMessages)->Arg(1)->Arg(100)->Unit(benchmark::kMillisecond);

// Repeats: changes to records already buffered (last-wins collapse), the steady state of
// a busy audience between flushes, once its batch has merged (RecordSet: a batch appends
// changes until it holds max_records of them, then merges them and replaces in place).
void BM_AddRepeatedRecords(benchmark::State& state) {
  constexpr size_t kRecords = 100'000;
  const std::vector<HashedId> ids = MakeIds(kRecords);
  const std::vector<ListKey> keys = MakeKeys(10);
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1'000'000), clock);
  for (size_t i = 0; i < kRecords; ++i) {
    aggregator.Add(keys[i % 10], "bench", ids[i], MembershipOp::kAdd, 0, 0);
  }
  aggregator.MergeAll();
  size_t i = 0;
  for (auto _ : state) {
    aggregator.Add(keys[i % 10], "bench", ids[i],
                   (i & 1) ? MembershipOp::kAdd : MembershipOp::kRemove, 0,
                   static_cast<int64_t>(i));
    if (++i == kRecords) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_AddRepeatedRecords);

// A churning audience's batch over its life before the first merge: 10,000 users changing 10
// times each, 100,000 changes into one list whose max_records is 100,000. The changes are
// appended and merged once, at the 100,000th; per change.
void BM_AddChurnUntilMerged(benchmark::State& state) {
  constexpr size_t kUsers = 10'000;
  constexpr size_t kChanges = 100'000;
  const std::vector<HashedId> ids = MakeIds(kUsers);
  const ListKey key = MakeKeys(1)[0];
  ManualClock clock;
  for (auto _ : state) {
    auto aggregator = std::make_unique<AudienceAggregator>(Policy(kChanges), clock);
    for (size_t i = 0; i < kChanges; ++i) {
      aggregator->Add(key, "bench", ids[i % kUsers],
                      (i / kUsers) & 1 ? MembershipOp::kRemove : MembershipOp::kAdd, 0,
                      static_cast<int64_t>(i));
    }
    benchmark::DoNotOptimize(aggregator->buffered_records());
    state.PauseTiming();
    aggregator.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kChanges));
}
BENCHMARK(BM_AddChurnUntilMerged)->Unit(benchmark::kMillisecond);

// TakeReady when nothing is due, with 1000 lists open: it runs after every poll.
void BM_TakeReadyNothingDue(benchmark::State& state) {
  const std::vector<ListKey> keys = MakeKeys(1000);
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1'000'000), clock);
  for (size_t i = 0; i < keys.size(); ++i) {
    aggregator.Add(keys[i], "bench", BenchId(i), MembershipOp::kAdd, 0, 0);
  }
  for (auto _ : state) benchmark::DoNotOptimize(aggregator.TakeReady());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TakeReadyNothingDue);

// Sealing and emitting one full batch of max_records (the default, 100,000).
void BM_FlushFullBatch(benchmark::State& state) {
  constexpr size_t kRecords = 100'000;
  const std::vector<HashedId> ids = MakeIds(kRecords);
  const ListKey key = MakeKeys(1)[0];
  ManualClock clock;
  for (auto _ : state) {
    state.PauseTiming();
    AudienceAggregator aggregator(Policy(kRecords + 1), clock);
    for (size_t i = 0; i < kRecords; ++i) {
      aggregator.Add(key, "bench", ids[i], (i & 1) ? MembershipOp::kAdd : MembershipOp::kRemove, 0,
                     static_cast<int64_t>(i));
    }
    state.ResumeTiming();
    std::vector<Batch> out = aggregator.FlushAll();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRecords));
}
BENCHMARK(BM_FlushFullBatch)->Unit(benchmark::kMillisecond);

// Bytes per buffered record for one list at a given fill level, including the growth peaks:
// the worst ratio seen while filling up to range(0) records, and the ratio at range(0).
void BM_RecordSetBytesPerRecord(benchmark::State& state) {
  const auto records = static_cast<size_t>(state.range(0));
  const std::vector<HashedId> ids = MakeIds(records);
  double worst = 0, final_ratio = 0;
  for (auto _ : state) {
    RecordSet set;
    set.Merge();  // indexed from the first record: the index's growth is part of the cost
    worst = 0;
    for (size_t i = 0; i < records; ++i) {
      set.Upsert(ids[i], MembershipOp::kAdd, 0);
      const double ratio = static_cast<double>(set.allocated_bytes()) / static_cast<double>(i + 1);
      if (i + 1 >= records / 2 && ratio > worst) worst = ratio;
    }
    final_ratio = static_cast<double>(set.allocated_bytes()) / static_cast<double>(records);
  }
  state.counters["bytes_per_record"] = final_ratio;
  state.counters["worst_in_upper_half"] = worst;
}
BENCHMARK(BM_RecordSetBytesPerRecord)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

// The frontier's per-message cost: a hold, the consumed mark, and the release of the hold taken
// 1,000 messages earlier (batches in flight), over 16 partitions; a commit pass every 10,000.
void BM_FrontierPerMessage(benchmark::State& state) {
  constexpr PartitionId kPartitions = 16;
  constexpr int64_t kWindow = 1000;
  offsets::OffsetFrontier frontier;
  for (PartitionId p = 0; p < kPartitions; ++p) frontier.Assign(p);
  int64_t n = 0;
  for (auto _ : state) {
    const PartitionId p = static_cast<PartitionId>(n % kPartitions);
    const int64_t offset = n / kPartitions;
    frontier.Hold(p, offset);
    frontier.Consumed(p, offset);
    if (offset >= kWindow) frontier.Release(p, offset - kWindow);
    if (n % 10'000 == 0) benchmark::DoNotOptimize(frontier.TakeCommittable());
    ++n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FrontierPerMessage);

}  // namespace
}  // namespace pinsync::aggregate

BENCHMARK_MAIN();
