#pragma once
// Process-wide metrics every pinsync process exports, whatever it runs:
//   pinsync_build_info{version,allocator}   1, so dashboards can show and join on the version;
//                                           allocator is ActiveAllocator() (common/allocator.h)
//   pinsync_process_start_time_seconds      wall-clock start, so restarts show up as steps

#include <string_view>

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace pinsync::metrics {

// Adds both gauges to `registry`. Call once per registry, at start-up. `start_time_seconds` is
// the wall-clock start in seconds since the epoch (Clock::WallMillis() / 1000.0).
void RegisterBuildInfo(prometheus::Registry& registry, std::string_view version,
                       std::string_view allocator, double start_time_seconds);

}  // namespace pinsync::metrics
