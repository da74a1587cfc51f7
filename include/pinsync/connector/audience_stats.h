#pragma once
// Per-audience figures (issue 8, item 1): what was consumed, synced, not synced, errored and is
// still pending, per audience and list type. Bounded: the first metrics.max_audience_series
// audiences seen get their own series, later ones are summed under audience="_other".
//
// The consumer thread owns it: the hot path only bumps plain integers in the audience's Series
// (found with one hash look-up of the audience id), and Publish() turns them into Prometheus
// counter increments and gauge values at most once per refresh, so no atomic per message.
// Rows() gives the same figures to the status page. Labels carry audience ids (configuration,
// not people) and list types, never an identifier, hash or token.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/strings/string_view.h>

#include "pinsync/common/clock.h"
#include "pinsync/common/model.h"

namespace prometheus {
class Counter;
class Gauge;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace pinsync::connector {

// The audience label of the series every audience past the cap is summed into.
inline constexpr std::string_view kOtherAudience = "_other";

// One audience and list type, as the status page shows it.
struct AudienceRow {
  std::string audience;  // the event's audience_id, or "_other"
  ListType list_type = ListType::kEmail;
  uint64_t changes_added = 0;  // changes consumed (one per hashed identifier)
  uint64_t changes_removed = 0;
  uint64_t synced_added = 0;  // records Pinterest acknowledged
  uint64_t synced_removed = 0;
  uint64_t not_synced = 0;  // of the audience (no list type): events with no usable identifier
  uint64_t errored = 0;     // rejected, retry_exhausted, list_full, other permanent failures
  std::map<std::string, uint64_t> errored_by_reason;
  uint64_t pending = 0;                   // buffered + in flight
  double oldest_pending_age_seconds = 0;  // 0 when nothing is pending
  std::optional<double> last_sync_unix;   // wall-clock seconds of the last acknowledged batch
};

class AudienceStats {
 public:
  struct Series;

  // `registry` may be null: tallies only (Rows), no metrics.
  AudienceStats(size_t max_audience_series, prometheus::Registry* registry);
  ~AudienceStats();
  AudienceStats(const AudienceStats&) = delete;
  AudienceStats& operator=(const AudienceStats&) = delete;

  // The audience's series: its own while fewer than max_audience_series audiences have one,
  // else the "_other" series. Stable for the object's life.
  Series& For(std::string_view audience_id);

  void CountChange(Series& series, ListType type, MembershipOp op, uint64_t n = 1);
  void CountSynced(Series& series, ListType type, MembershipOp op, uint64_t n);
  void CountNotSynced(Series& series, std::string_view reason, uint64_t n = 1);
  void CountErrored(Series& series, ListType type, std::string_view reason, uint64_t n);
  void SetLastSync(Series& series, ListType type, double unix_seconds);

  // Pending records are recomputed from scratch: ClearPending, then AddPending for every buffered
  // or in-flight batch, then Publish.
  void ClearPending();
  void AddPending(Series& series, ListType type, size_t records, SteadyTime opened_at);

  // Moves the metrics to the tallies: counter deltas, gauges (ages measured at `now`).
  void Publish(SteadyTime now);

  // Distinct audiences summed under "_other".
  size_t folded() const { return folded_; }
  size_t series_count() const { return series_.size(); }
  // Every audience and list type with any figure, in first-seen order.
  std::vector<AudienceRow> Rows(SteadyTime now) const;

 private:
  struct Metrics;
  Series& NewSeries(std::string_view audience);

  const size_t max_series_;
  std::unique_ptr<Metrics> metrics_;                       // null without a registry
  std::vector<std::unique_ptr<Series>> series_;            // first-seen order; "_other" when needed
  absl::flat_hash_map<std::string, Series*> by_audience_;  // folded ones map to "_other"
  Series* other_ = nullptr;
  size_t own_series_ = 0;
  size_t folded_ = 0;
};

}  // namespace pinsync::connector
