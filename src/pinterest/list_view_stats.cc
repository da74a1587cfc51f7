#include "pinsync/pinterest/list_view_stats.h"

#include <algorithm>
#include <chrono>

#include "pinsync/common/model.h"

namespace pinsync::pinterest {

ListViewStats ListViewStats::Create(prometheus::Registry& registry) {
  auto gauges = [&registry](const char* name, const char* help) -> auto& {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
  };
  return ListViewStats{
      gauges("pinsync_pinterest_list_status",
             "1 for the customer list's current status on Pinterest (READY, TOO_SMALL, ...)"),
      gauges("pinsync_pinterest_list_uploaded_records",
             "The customer list's num_uploaded_user_records as Pinterest last reported it"),
      gauges("pinsync_pinterest_list_removed_records",
             "The customer list's num_removed_user_records as Pinterest last reported it"),
      gauges("pinsync_pinterest_audience_size",
             "The size of the list's CUSTOMER_LIST audience as Pinterest last reported it"),
      gauges("pinsync_pinterest_audience_status",
             "1 for the CUSTOMER_LIST audience's current status on Pinterest"),
      gauges("pinsync_pinterest_list_full",
             "1 while the list is at Pinterest's 300,000,000-record cap (its ADDs are refused)"),
      prometheus::BuildCounter()
          .Name("pinsync_pinterest_view_sweeps_total")
          .Help("Periodic sweeps of an ad account's lists and audiences, by result")
          .Register(registry),
      gauges("pinsync_pinterest_view_age_seconds",
             "Age of the oldest list view: time since that list was last read from Pinterest")
          .Add({}),
  };
}

bool ListViewGauges::Admitted(const std::string& audience) {
  if (admitted_.contains(audience)) return true;
  if (admitted_.size() >= max_audiences_) return false;
  admitted_.insert(audience);
  return true;
}

void ListViewGauges::SetStatus(prometheus::Family<prometheus::Gauge>& family, const Series& series,
                               std::string& current, const std::string& status) {
  if (current == status) return;
  auto labels = [&series](const std::string& s) {
    return std::map<std::string, std::string>{
        {"audience", series.first}, {"list_type", series.second}, {"status", s}};
  };
  if (!current.empty()) family.Remove(&family.Add(labels(current)));
  if (!status.empty()) family.Add(labels(status)).Set(1);
  current = status;
}

void ListViewGauges::Export(const std::vector<ListView>& views, SteadyTime now) {
  std::optional<SteadyTime> oldest;
  for (const ListView& view : views) {
    if (view.read_at && (!oldest || *view.read_at < *oldest)) oldest = view.read_at;
    if (!Admitted(view.key.audience_id)) continue;
    const Series series{view.key.audience_id, std::string(ToString(view.key.list_type))};
    const std::map<std::string, std::string> labels{{"audience", series.first},
                                                    {"list_type", series.second}};
    Statuses& statuses = statuses_[series];
    SetStatus(stats_.list_status, series, statuses.list, view.list_status);
    SetStatus(stats_.audience_status, series, statuses.audience, view.audience_status);
    if (view.num_uploaded_user_records >= 0) {
      stats_.list_uploaded.Add(labels).Set(static_cast<double>(view.num_uploaded_user_records));
    }
    if (view.num_removed_user_records >= 0) {
      stats_.list_removed.Add(labels).Set(static_cast<double>(view.num_removed_user_records));
    }
    if (view.audience_size >= 0) {
      stats_.audience_size.Add(labels).Set(static_cast<double>(view.audience_size));
    }
    stats_.list_full.Add(labels).Set(view.full ? 1 : 0);
  }
  SetAge(oldest, now);
}

void ListViewGauges::SetAge(std::optional<SteadyTime> oldest_read, SteadyTime now) {
  const double age = oldest_read ? std::chrono::duration<double>(now - *oldest_read).count() : 0.0;
  stats_.view_age_seconds.Set(std::max(0.0, age));
}

}  // namespace pinsync::pinterest
