#include "pinsync/aggregate/aggregator_stats.h"

#include <prometheus/family.h>

namespace pinsync::aggregate {
namespace {

void Advance(prometheus::Counter& counter, uint64_t now, uint64_t& exported) {
  if (now > exported) counter.Increment(static_cast<double>(now - exported));
  exported = now;
}

}  // namespace

AggregatorStats AggregatorStats::Create(prometheus::Registry& registry) {
  auto counter = [&registry](const char* name, const char* help) -> prometheus::Counter& {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
  };
  auto gauge = [&registry](const char* name, const char* help) -> prometheus::Gauge& {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
  };
  auto& flushed = prometheus::BuildCounter()
                      .Name("pinsync_aggregator_batches_flushed_total")
                      .Help("Batches handed to delivery, by what triggered the flush")
                      .Register(registry);
  return AggregatorStats{
      counter("pinsync_aggregator_changes_total", "Membership changes merged into open batches"),
      counter("pinsync_aggregator_changes_collapsed_total",
              "Changes that replaced an earlier change of the same record in the same batch "
              "(counted when the batch merges its changes: at max_records, flush or revocation)"),
      flushed.Add({{"trigger", "full"}}),
      flushed.Add({{"trigger", "age"}}),
      flushed.Add({{"trigger", "pressure"}}),
      flushed.Add({{"trigger", "shutdown"}}),
      counter("pinsync_aggregator_records_dropped_total",
              "Buffered records dropped because their partition was revoked (replayed elsewhere)"),
      gauge("pinsync_aggregator_buffered_records",
            "Records (and changes not yet merged into them) in batches not yet flushed"),
      gauge("pinsync_aggregator_buffered_batches", "Batches not yet flushed"),
      gauge("pinsync_aggregator_buffered_bytes",
            "Heap bytes held by buffered records (entries and hash indexes)"),
  };
}

void AggregatorStats::Update(const AudienceAggregator& aggregator) {
  const AggregatorCounters& now = aggregator.counters();
  Advance(changes, now.changes, exported.changes);
  Advance(changes_collapsed, now.changes_collapsed, exported.changes_collapsed);
  Advance(flushed_full, now.flushed_full, exported.flushed_full);
  Advance(flushed_aged, now.flushed_aged, exported.flushed_aged);
  Advance(flushed_pressure, now.flushed_pressure, exported.flushed_pressure);
  Advance(flushed_shutdown, now.flushed_shutdown, exported.flushed_shutdown);
  Advance(records_dropped, now.records_dropped, exported.records_dropped);
  buffered_records.Set(static_cast<double>(aggregator.buffered_records()));
  buffered_batches.Set(static_cast<double>(aggregator.buffered_batches()));
  buffered_bytes.Set(static_cast<double>(aggregator.buffered_bytes()));
}

}  // namespace pinsync::aggregate
