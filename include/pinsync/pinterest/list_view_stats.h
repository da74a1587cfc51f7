#pragma once
// The gauges of Pinterest's view (issue 8, docs/pinterest.md "Pinterest's view of each list"):
// per audience and list type, bounded like the connector's per-audience series
// (metrics.max_audience_series audiences, first seen first served; the view of audiences beyond
// the cap is not exported, as a sum of statuses or sizes would mean nothing).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/pinterest/list_view.h"

namespace pinsync::pinterest {

struct ListViewStats {
  prometheus::Family<prometheus::Gauge>& list_status;  // {audience, list_type, status}
  prometheus::Family<prometheus::Gauge>& list_uploaded;
  prometheus::Family<prometheus::Gauge>& list_removed;
  prometheus::Family<prometheus::Gauge>& audience_size;
  prometheus::Family<prometheus::Gauge>& audience_status;  // {audience, list_type, status}
  prometheus::Family<prometheus::Gauge>& list_full;
  prometheus::Family<prometheus::Counter>& sweeps;  // {result="ok"|"failed"}
  prometheus::Gauge& view_age_seconds;

  static ListViewStats Create(prometheus::Registry& registry);
  prometheus::Counter& Sweep(bool ok) { return sweeps.Add({{"result", ok ? "ok" : "failed"}}); }
};

// Sets the view gauges from a snapshot; remembers which audiences have series and which status
// series it set, so a status that changed loses its old series.
class ListViewGauges {
 public:
  ListViewGauges(ListViewStats& stats, size_t max_audience_series)
      : stats_(stats), max_audiences_(max_audience_series) {}

  void Export(const std::vector<ListView>& views, SteadyTime now);
  // The age of the oldest list view (0 before any read).
  void SetAge(std::optional<SteadyTime> oldest_read, SteadyTime now);

 private:
  using Series = std::pair<std::string, std::string>;  // audience, list type
  bool Admitted(const std::string& audience);
  // Keeps one series of `family` at 1 for `status`, removing the one of the previous status.
  void SetStatus(prometheus::Family<prometheus::Gauge>& family, const Series& series,
                 std::string& current, const std::string& status);

  ListViewStats& stats_;
  size_t max_audiences_;
  std::set<std::string> admitted_;
  struct Statuses {
    std::string list;
    std::string audience;
  };
  std::map<Series, Statuses> statuses_;
};

}  // namespace pinsync::pinterest
