#include "pinsync/connector/audience_stats.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>

namespace pinsync::connector {
namespace {

size_t Index(ListType type) { return type == ListType::kEmail ? 0 : 1; }
size_t Index(MembershipOp op) { return op == MembershipOp::kAdd ? 0 : 1; }
constexpr ListType kListTypes[] = {ListType::kEmail, ListType::kMaid};
constexpr MembershipOp kOps[] = {MembershipOp::kAdd, MembershipOp::kRemove};

using ReasonCounts = std::map<std::string, uint64_t, std::less<>>;

void Bump(ReasonCounts& counts, std::string_view reason, uint64_t n) {
  auto it = counts.find(reason);
  if (it == counts.end()) it = counts.emplace(std::string(reason), 0).first;
  it->second += n;
}

}  // namespace

// One audience (or "_other") and list type: tallies, what of them the metrics already carry, and
// the metric handles (created on the first Publish that has something to show).
struct ListFigures {
  bool seen = false;
  std::array<uint64_t, 2> changes{};  // by op
  std::array<uint64_t, 2> synced{};
  ReasonCounts errored;
  uint64_t pending = 0;
  std::optional<SteadyTime> oldest_pending;
  std::optional<double> last_sync_unix;

  std::array<uint64_t, 2> changes_published{};
  std::array<uint64_t, 2> synced_published{};
  ReasonCounts errored_published;
  std::array<prometheus::Counter*, 2> changes_counter{};
  std::array<prometheus::Counter*, 2> synced_counter{};
  std::map<std::string, prometheus::Counter*, std::less<>> errored_counter;
  prometheus::Gauge* pending_gauge = nullptr;
  prometheus::Gauge* oldest_gauge = nullptr;
  prometheus::Gauge* last_sync_gauge = nullptr;
};

struct AudienceStats::Series {
  std::string audience;
  std::array<ListFigures, 2> lists;  // by list type
  ReasonCounts not_synced;
  ReasonCounts not_synced_published;
  std::map<std::string, prometheus::Counter*, std::less<>> not_synced_counter;
};

struct AudienceStats::Metrics {
  prometheus::Family<prometheus::Counter>& changes;
  prometheus::Family<prometheus::Counter>& synced;
  prometheus::Family<prometheus::Counter>& not_synced;
  prometheus::Family<prometheus::Gauge>& pending;
  prometheus::Family<prometheus::Gauge>& oldest_pending_age;
  prometheus::Family<prometheus::Counter>& errored;
  prometheus::Family<prometheus::Gauge>& last_sync;
  prometheus::Gauge& folded;

  explicit Metrics(prometheus::Registry& r)
      : changes(prometheus::BuildCounter()
                    .Name("pinsync_audience_changes_total")
                    .Help("Membership changes consumed (one per hashed identifier), per audience, "
                          "list type and op")
                    .Register(r)),
        synced(prometheus::BuildCounter()
                   .Name("pinsync_audience_records_synced_total")
                   .Help("Records Pinterest acknowledged, per audience, list type and op")
                   .Register(r)),
        not_synced(prometheus::BuildCounter()
                       .Name("pinsync_audience_records_not_synced_total")
                       .Help("Identifiers or events dropped before any list: no usable "
                             "identifier, per audience and reason")
                       .Register(r)),
        pending(prometheus::BuildGauge()
                    .Name("pinsync_audience_records_pending")
                    .Help("Records buffered (unmerged changes counted each) or in delivery, per "
                          "audience and list type")
                    .Register(r)),
        oldest_pending_age(prometheus::BuildGauge()
                               .Name("pinsync_audience_oldest_pending_age_seconds")
                               .Help("Age of the oldest pending change (0 when none), per "
                                     "audience and list type")
                               .Register(r)),
        errored(prometheus::BuildCounter()
                    .Name("pinsync_audience_records_errored_total")
                    .Help("Records Pinterest did not take, per audience, list type and reason "
                          "(rejected, retry_exhausted, list_full, ...)")
                    .Register(r)),
        last_sync(prometheus::BuildGauge()
                      .Name("pinsync_audience_last_sync_timestamp_seconds")
                      .Help("Unix time of the last acknowledged batch, per audience and list type")
                      .Register(r)),
        folded(prometheus::BuildGauge()
                   .Name("pinsync_audience_series_folded")
                   .Help("Distinct audiences summed under audience=\"_other\" (past "
                         "metrics.max_audience_series)")
                   .Register(r)
                   .Add({})) {}
};

AudienceStats::AudienceStats(size_t max_audience_series, prometheus::Registry* registry)
    : max_series_(max_audience_series),
      metrics_(registry ? std::make_unique<Metrics>(*registry) : nullptr) {}

AudienceStats::~AudienceStats() = default;

AudienceStats::Series& AudienceStats::NewSeries(std::string_view audience) {
  Series& series = *series_.emplace_back(std::make_unique<Series>());
  series.audience = std::string(audience);
  return series;
}

AudienceStats::Series& AudienceStats::For(std::string_view audience_id) {
  // absl's string hashing takes absl::string_view (not std's, in Debian 12's Abseil).
  const absl::string_view key(audience_id.data(), audience_id.size());
  if (auto it = by_audience_.find(key); it != by_audience_.end()) return *it->second;
  Series* series = nullptr;
  if (own_series_ < max_series_ && audience_id != kOtherAudience) {
    series = &NewSeries(audience_id);
    ++own_series_;
  } else {
    if (other_ == nullptr) other_ = &NewSeries(kOtherAudience);
    series = other_;
    ++folded_;
  }
  by_audience_.emplace(std::string(audience_id), series);
  return *series;
}

void AudienceStats::CountChange(Series& series, ListType type, MembershipOp op, uint64_t n) {
  ListFigures& list = series.lists[Index(type)];
  list.seen = true;
  list.changes[Index(op)] += n;
}

void AudienceStats::CountSynced(Series& series, ListType type, MembershipOp op, uint64_t n) {
  ListFigures& list = series.lists[Index(type)];
  list.seen = true;
  list.synced[Index(op)] += n;
}

void AudienceStats::CountNotSynced(Series& series, std::string_view reason, uint64_t n) {
  Bump(series.not_synced, reason, n);
}

void AudienceStats::CountErrored(Series& series, ListType type, std::string_view reason,
                                 uint64_t n) {
  if (n == 0) return;
  ListFigures& list = series.lists[Index(type)];
  list.seen = true;
  Bump(list.errored, reason, n);
}

void AudienceStats::SetLastSync(Series& series, ListType type, double unix_seconds) {
  ListFigures& list = series.lists[Index(type)];
  list.seen = true;
  list.last_sync_unix = unix_seconds;
}

void AudienceStats::ClearPending() {
  for (auto& owned : series_) {
    Series& series = *owned;
    for (ListFigures& list : series.lists) {
      list.pending = 0;
      list.oldest_pending.reset();
    }
  }
}

void AudienceStats::AddPending(Series& series, ListType type, size_t records,
                               SteadyTime opened_at) {
  if (records == 0) return;
  ListFigures& list = series.lists[Index(type)];
  list.seen = true;
  list.pending += records;
  if (!list.oldest_pending || opened_at < *list.oldest_pending) list.oldest_pending = opened_at;
}

namespace {

double AgeSeconds(const std::optional<SteadyTime>& since, SteadyTime now) {
  if (!since || now <= *since) return 0;
  return std::chrono::duration<double>(now - *since).count();
}

// Adds to `counter` what `tally` gained since the last publish.
void PublishDelta(prometheus::Counter& counter, uint64_t tally, uint64_t& published) {
  if (tally > published) counter.Increment(static_cast<double>(tally - published));
  published = tally;
}

}  // namespace

void AudienceStats::Publish(SteadyTime now) {
  if (!metrics_) return;
  Metrics& m = *metrics_;
  for (auto& owned : series_) {
    Series& series = *owned;
    for (auto& [reason, count] : series.not_synced) {
      auto [it, created] = series.not_synced_counter.try_emplace(reason, nullptr);
      if (created)
        it->second = &m.not_synced.Add({{"audience", series.audience}, {"reason", reason}});
      PublishDelta(*it->second, count, series.not_synced_published[reason]);
    }
    for (ListType type : kListTypes) {
      ListFigures& list = series.lists[Index(type)];
      if (!list.seen) continue;
      const std::string list_type(ToString(type));
      if (list.pending_gauge == nullptr) {
        const prometheus::Labels labels{{"audience", series.audience}, {"list_type", list_type}};
        for (MembershipOp op : kOps) {
          prometheus::Labels with_op = labels;
          with_op.emplace("op", std::string(ToString(op)));
          list.changes_counter[Index(op)] = &m.changes.Add(with_op);
          list.synced_counter[Index(op)] = &m.synced.Add(with_op);
        }
        list.pending_gauge = &m.pending.Add(labels);
        list.oldest_gauge = &m.oldest_pending_age.Add(labels);
      }
      for (MembershipOp op : kOps) {
        const size_t i = Index(op);
        PublishDelta(*list.changes_counter[i], list.changes[i], list.changes_published[i]);
        PublishDelta(*list.synced_counter[i], list.synced[i], list.synced_published[i]);
      }
      for (auto& [reason, count] : list.errored) {
        auto [it, created] = list.errored_counter.try_emplace(reason, nullptr);
        if (created) {
          it->second = &m.errored.Add(
              {{"audience", series.audience}, {"list_type", list_type}, {"reason", reason}});
        }
        PublishDelta(*it->second, count, list.errored_published[reason]);
      }
      list.pending_gauge->Set(static_cast<double>(list.pending));
      list.oldest_gauge->Set(AgeSeconds(list.oldest_pending, now));
      if (list.last_sync_unix) {
        if (list.last_sync_gauge == nullptr) {
          list.last_sync_gauge =
              &m.last_sync.Add({{"audience", series.audience}, {"list_type", list_type}});
        }
        list.last_sync_gauge->Set(*list.last_sync_unix);
      }
    }
  }
  m.folded.Set(static_cast<double>(folded_));
}

std::vector<AudienceRow> AudienceStats::Rows(SteadyTime now) const {
  std::vector<AudienceRow> rows;
  for (const auto& owned : series_) {
    const Series& series = *owned;
    uint64_t not_synced = 0;
    for (const auto& [_, count] : series.not_synced) not_synced += count;
    for (ListType type : kListTypes) {
      const ListFigures& list = series.lists[Index(type)];
      if (!list.seen) continue;
      AudienceRow row;
      row.audience = series.audience;
      row.list_type = type;
      row.changes_added = list.changes[0];
      row.changes_removed = list.changes[1];
      row.synced_added = list.synced[0];
      row.synced_removed = list.synced[1];
      row.not_synced = not_synced;
      for (const auto& [reason, count] : list.errored) {
        row.errored += count;
        row.errored_by_reason.emplace(reason, count);
      }
      row.pending = list.pending;
      row.oldest_pending_age_seconds = AgeSeconds(list.oldest_pending, now);
      row.last_sync_unix = list.last_sync_unix;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace pinsync::connector
