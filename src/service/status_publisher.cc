#include "pinsync/service/status_publisher.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "pinsync/common/version.h"

namespace pinsync::service {
namespace {

// What the snapshot needs from the registry's process metrics (read, never written here).
struct ProcessFigures {
  std::optional<double> lag;
  double rebalances = 0;    // rebalance callbacks: a join completed, even with no partitions
  double requests = 0;      // every request sent to Pinterest (any answer)
  double requests_2xx = 0;  // ... that Pinterest answered 2xx
  std::map<std::string, bool> held;               // by ad account
  std::map<std::string, double> token_refreshes;  // by result
};

std::string Label(const prometheus::ClientMetric& metric, const std::string& name) {
  for (const auto& label : metric.label) {
    if (label.name == name) return label.value;
  }
  return {};
}

ProcessFigures ReadProcessFigures(prometheus::Registry& registry) {
  ProcessFigures out;
  for (const auto& family : registry.Collect()) {
    if (family.name == "pinsync_kafka_rebalances_total") {
      for (const auto& m : family.metric) out.rebalances += m.counter.value;
    } else if (family.name == "pinsync_kafka_consumer_lag_messages") {
      for (const auto& m : family.metric) out.lag = out.lag.value_or(0) + m.gauge.value;
    } else if (family.name == "pinsync_pinterest_requests_total") {
      for (const auto& m : family.metric) {
        out.requests += m.counter.value;
        if (Label(m, "status_class") == "2xx") out.requests_2xx += m.counter.value;
      }
    } else if (family.name == "pinsync_pinterest_account_blocked") {
      for (const auto& m : family.metric) out.held[Label(m, "ad_account_id")] = m.gauge.value > 0;
    } else if (family.name == "pinsync_pinterest_token_refreshes_total") {
      for (const auto& m : family.metric)
        out.token_refreshes[Label(m, "result")] += m.counter.value;
    }
  }
  return out;
}

}  // namespace

StatusPublisher::StatusPublisher(const config::Config& config, const Clock& clock,
                                 connector::SyncPipeline& pipeline,
                                 const pinterest::BatchSink& sink, prometheus::Registry& registry,
                                 metrics::StatusBoard& board, double started_unix)
    : config_(config),
      clock_(clock),
      pipeline_(pipeline),
      sink_(sink),
      registry_(registry),
      board_(board),
      ready_(prometheus::BuildGauge()
                 .Name("pinsync_ready")
                 .Help("1 while /readyz answers 200: joined the consumer group, credentials "
                       "accepted, not every ad account held, not shutting down")
                 .Register(registry)
                 .Add({})),
      started_unix_(started_unix) {}

void StatusPublisher::MaybePublish(std::chrono::milliseconds interval) {
  const SteadyTime now = clock_.Now();
  if (published_at_ && now - *published_at_ < interval) return;
  Publish();
}

void StatusPublisher::Publish() {
  published_at_ = clock_.Now();
  board_.Publish(Assemble());
  ready_.Set(board_.CurrentReadiness().ready ? 1 : 0);
}

metrics::StatusSnapshot StatusPublisher::Assemble() {
  metrics::StatusSnapshot s;
  const SteadyTime now = clock_.Now();
  // The page, /status.json and /metrics show the same per-audience figures, of this moment.
  pipeline_.RefreshAudienceStats();
  s.version = kVersion;
  s.taken_unix = static_cast<double>(clock_.WallMillis()) / 1000.0;
  s.uptime_seconds = std::max(0.0, s.taken_unix - started_unix_);
  s.assigned_partitions = pipeline_.assigned_partitions();
  s.audience_series_folded = pipeline_.audience_stats().folded();

  const ProcessFigures figures = ReadProcessFigures(registry_);
  // Joined: partitions were assigned, or the consumer saw a rebalance (a member of a group with
  // more members than partitions joins with none, and the pipeline never hears of it).
  s.joined = pipeline_.joined() || figures.rebalances > 0;
  s.consumer_lag = figures.lag;
  s.credentials_accepted = figures.requests_2xx > 0;
  request_samples_.emplace_back(now, figures.requests);
  while (request_samples_.size() > 1 &&
         now - request_samples_[1].first >= std::chrono::minutes(1)) {
    request_samples_.pop_front();
  }
  s.requests_last_minute = figures.requests - request_samples_.front().second;

  // Every configured ad account: the default and the per-audience ones.
  std::set<std::string> accounts{config_.pinterest.ad_account_id};
  for (const auto& [_, audience] : config_.audiences) {
    if (!audience.ad_account_id.empty()) accounts.insert(audience.ad_account_id);
  }
  bool all_held = !accounts.empty();
  for (const std::string& account : accounts) {
    auto held = figures.held.find(account);
    const bool is_held = held != figures.held.end() && held->second;
    all_held = all_held && is_held;
    s.accounts.push_back(
        {account, config_.pinterest.requests_per_minute * pipeline_.budget_share(), is_held});
  }
  if (all_held) {
    s.token_state = "refused (every ad account held)";
  } else if (s.credentials_accepted) {
    s.token_state = "accepted";
  } else {
    s.token_state = "not verified yet (no answer from Pinterest)";
  }
  if (auto rejected = figures.token_refreshes.find("rejected");
      rejected != figures.token_refreshes.end() && rejected->second > 0) {
    s.token_state += "; token refresh rejected at least once";
  }

  // pinsync's figures per audience and list type, with Pinterest's view of the list beside them.
  std::map<std::tuple<std::string, std::string>, pinterest::ListView> views;
  for (auto& view : sink_.PinterestView()) {
    views.emplace(std::make_tuple(view.key.audience_id, std::string(ToString(view.key.list_type))),
                  std::move(view));
  }
  auto with_view = [](metrics::AudienceListStatus& row, const pinterest::ListView& view) {
    row.ad_account_id = view.key.ad_account_id;
    row.list_id = view.list_id;
    row.list_status = view.list_status;
    row.pinterest_audience_id = view.audience_id;
    row.audience_status = view.audience_status;
    row.audience_size = view.audience_size;
    row.uploaded_records = view.num_uploaded_user_records;
    row.list_full = view.full;
  };
  for (const connector::AudienceRow& figures_row : pipeline_.AudienceRows()) {
    metrics::AudienceListStatus row;
    row.audience = figures_row.audience;
    row.list_type = std::string(ToString(figures_row.list_type));
    if (row.audience != connector::kOtherAudience) {
      row.ad_account_id = config_.AdAccountFor(row.audience);
    }
    row.changes_added = figures_row.changes_added;
    row.changes_removed = figures_row.changes_removed;
    row.synced_added = figures_row.synced_added;
    row.synced_removed = figures_row.synced_removed;
    row.not_synced = figures_row.not_synced;
    row.errored = figures_row.errored;
    row.errored_by_reason = figures_row.errored_by_reason;
    row.pending = figures_row.pending;
    row.oldest_pending_age_seconds = figures_row.oldest_pending_age_seconds;
    row.last_sync_unix = figures_row.last_sync_unix;
    if (auto view = views.find({row.audience, row.list_type}); view != views.end()) {
      with_view(row, view->second);
      views.erase(view);
    }
    s.lists.push_back(std::move(row));
  }
  // Lists Pinterest knows that saw no change in this process yet.
  for (const auto& [key, view] : views) {
    metrics::AudienceListStatus row;
    row.audience = std::get<0>(key);
    row.list_type = std::get<1>(key);
    with_view(row, view);
    s.lists.push_back(std::move(row));
  }
  return s;
}

}  // namespace pinsync::service
