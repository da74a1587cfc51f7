// The consumer thread's whole hot path per message: decode, normalize + hash, aggregate, frontier
// bookkeeping, batch hand-off (to a sink that acknowledges at once). No Kafka, no HTTP: this is the
// ceiling the connector's own code puts on throughput.

#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include <memory>
#include <vector>

#include "pinsync/connector/sync_pipeline.h"
#include "pinsync/demo/membership_stream.h"

namespace {

using namespace pinsync;

class AckingSink final : public pinterest::BatchSink {
 public:
  void Submit(aggregate::Batch batch) override {
    pinterest::DeliveryOutcome outcome;
    outcome.batch_id = batch.id;
    done_.emplace_back(std::move(outcome), std::move(batch));
  }
  std::vector<std::pair<pinterest::DeliveryOutcome, aggregate::Batch>> DrainOutcomes() override {
    return std::exchange(done_, {});
  }
  size_t PendingRecords() const override { return 0; }
  bool Withdraw(const std::vector<aggregate::PartitionId>&, size_t* withdrawn) override {
    if (withdrawn != nullptr) *withdrawn = 0;  // every batch is acknowledged at once
    return true;
  }
  void Stop() override {}
  void SetBudgetShare(double) override {}

 private:
  std::vector<std::pair<pinterest::DeliveryOutcome, aggregate::Batch>> done_;
};

// state.range(1): 1 registers the per-audience metrics (PipelineStats::registry), as `pinsync run`
// does, so their publishing (once a second and when batches move) is in the figure.
void BM_PipelinePerMessage(benchmark::State& state) {
  // A realistic stream, decoded from its JSON each time as the connector would.
  demo::MembershipStream stream(
      {.events = 200000, .audiences = 4, .seed = 1, .malformed_share = 0});
  std::vector<kafka::ConsumedMessage> messages;
  const TopicPartition tp{"events", 0};
  int64_t offset = 0;
  while (auto m = stream.Next()) messages.emplace_back(tp, offset++, m->key, m->value);

  config::Config cfg;
  cfg.pinterest.ad_account_id = "1";
  cfg.batching.max_records = static_cast<size_t>(state.range(0));
  ManualClock clock;
  AckingSink sink;
  prometheus::Registry registry;
  connector::PipelineStats stats;
  if (state.range(1) != 0) stats.registry = &registry;
  auto pipeline = std::make_unique<connector::SyncPipeline>(cfg, clock, sink, nullptr, stats);
  pipeline->Assign({tp});
  size_t i = 0;
  for (auto _ : state) {
    pipeline->OnMessage(messages[i]);
    if ((++i & 255) == 0) pipeline->Pump();
    if (i == messages.size()) {
      // Next lap over the same offsets: start a fresh pipeline outside the timing.
      state.PauseTiming();
      pipeline = std::make_unique<connector::SyncPipeline>(cfg, clock, sink, nullptr, stats);
      pipeline->Assign({tp});
      i = 0;
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["msgs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PipelinePerMessage)->Args({1900, 0})->Args({100000, 0})->Args({1900, 1});

}  // namespace

BENCHMARK_MAIN();
