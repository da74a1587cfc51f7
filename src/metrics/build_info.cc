// Build and process gauges, registered once per registry at start-up.
#include "pinsync/metrics/build_info.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace pinsync::metrics {

void RegisterBuildInfo(prometheus::Registry& registry, std::string_view version,
                       std::string_view allocator, double start_time_seconds) {
  // One series per process; both labels are bounded (one value per build).
  prometheus::BuildGauge()
      .Name("pinsync_build_info")
      .Help("Always 1; the labels say which pinsync build is running and on which malloc")
      .Register(registry)
      .Add({{"version", std::string(version)}, {"allocator", std::string(allocator)}})
      .Set(1);
  prometheus::BuildGauge()
      .Name("pinsync_process_start_time_seconds")
      .Help("Wall-clock time the process started, in seconds since the Unix epoch")
      .Register(registry)
      .Add({})
      .Set(start_time_seconds);
}

}  // namespace pinsync::metrics
