#pragma once
// Aggregator metrics. The aggregator itself only keeps plain counters (it is pure and on the hot
// path); Update copies them into Prometheus, from the consumer thread, e.g. once per second.
// Labels: `trigger` only, from a fixed set.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "pinsync/aggregate/audience_aggregator.h"

namespace pinsync::aggregate {

struct AggregatorStats {
  prometheus::Counter& changes;            // pinsync_aggregator_changes_total
  prometheus::Counter& changes_collapsed;  // pinsync_aggregator_changes_collapsed_total
  // pinsync_aggregator_batches_flushed_total{trigger="full|age|pressure|shutdown"}
  prometheus::Counter& flushed_full;
  prometheus::Counter& flushed_aged;
  prometheus::Counter& flushed_pressure;
  prometheus::Counter& flushed_shutdown;
  prometheus::Counter& records_dropped;  // pinsync_aggregator_records_dropped_total
  prometheus::Gauge& buffered_records;   // pinsync_aggregator_buffered_records
  prometheus::Gauge& buffered_batches;   // pinsync_aggregator_buffered_batches
  prometheus::Gauge& buffered_bytes;     // pinsync_aggregator_buffered_bytes
  AggregatorCounters exported{};         // what the counters already include

  // Brings the metrics up to date. O(open batches): not per message.
  void Update(const AudienceAggregator& aggregator);

  static AggregatorStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::aggregate
