#pragma once
// Offset frontier metrics, copied from the frontier by Update (consumer thread, e.g. once per
// commit). No labels: partition-level detail belongs to Kafka's own lag metrics.

#include <cstdint>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "pinsync/offsets/offset_frontier.h"

namespace pinsync::offsets {

struct FrontierStats {
  prometheus::Gauge& holds;                 // pinsync_offsets_holds
  prometheus::Gauge& assigned_partitions;   // pinsync_offsets_assigned_partitions
  prometheus::Counter& unmatched_releases;  // pinsync_offsets_unmatched_releases_total
  uint64_t exported_unmatched = 0;

  void Update(const OffsetFrontier& frontier);

  static FrontierStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::offsets
