#include "pinsync/offsets/frontier_stats.h"

#include <prometheus/family.h>

namespace pinsync::offsets {

FrontierStats FrontierStats::Create(prometheus::Registry& registry) {
  return FrontierStats{
      prometheus::BuildGauge()
          .Name("pinsync_offsets_holds")
          .Help("Offset holds in place: batches open or in flight, and dead-letter copies not yet "
                "acknowledged, counted once per partition they hold")
          .Register(registry)
          .Add({}),
      prometheus::BuildGauge()
          .Name("pinsync_offsets_assigned_partitions")
          .Help("Partitions this instance tracks offsets for")
          .Register(registry)
          .Add({}),
      prometheus::BuildCounter()
          .Name("pinsync_offsets_unmatched_releases_total")
          .Help("Releases of offsets that were not held (a bug: should stay 0)")
          .Register(registry)
          .Add({}),
  };
}

void FrontierStats::Update(const OffsetFrontier& frontier) {
  holds.Set(static_cast<double>(frontier.held()));
  assigned_partitions.Set(static_cast<double>(frontier.assigned_partitions().size()));
  const uint64_t now = frontier.unmatched_releases();
  if (now > exported_unmatched)
    unmatched_releases.Increment(static_cast<double>(now - exported_unmatched));
  exported_unmatched = now;
}

}  // namespace pinsync::offsets
