#include "pinsync/pinterest/pinterest_batch_sink.h"

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "pinsync/common/thread_name.h"
#include "pinsync/pinterest/access_token_source.h"
#include "pinsync/pinterest/delivery_engine.h"
#include "pinsync/pinterest/pinterest_stats.h"

namespace pinsync::pinterest {

namespace {

// Longest the delivery thread sleeps between turns while anything is under way: bounds how late
// a retry, a refilled budget or a registry answer is acted on. Submit, Withdraw, budget changes
// and Stop wake it at once.
constexpr std::chrono::milliseconds kLoopTick{20};
// Longest it sleeps while the engine is dormant (nothing queued, or every queued batch under its
// handoff embargo): bounds the lateness of the timers the engine does not report (token refresh,
// the view's sweeps). An embargo lasts session + request timeout (tens of seconds), during which
// ticking every 20 ms cost an idle member ~4 ms of CPU a second (docs/performance.md, issue 10).
constexpr std::chrono::milliseconds kDormantTick{250};
// How long Withdraw waits for the delivery thread to apply it (it normally takes one turn).
constexpr std::chrono::seconds kWithdrawWait{5};

class PinterestBatchSink final : public BatchSink {
 public:
  PinterestBatchSink(config::Config config, const Clock& clock,
                     std::shared_ptr<prometheus::Registry> own_registry, PinterestStats stats,
                     std::unique_ptr<HttpTransport> transport, ListRegistry* registry,
                     CredentialLineage* lineage)
      : config_(std::move(config)),
        clock_(clock),
        own_registry_(std::move(own_registry)),
        stats_(stats),
        transport_(std::move(transport)),
        registry_(registry),
        lineage_(lineage) {}

  ~PinterestBatchSink() override { Stop(); }

  Status<> Init(uint64_t seed) {
    auto tokens =
        AccessTokenSource::Create(config_.pinterest, clock_, *transport_, stats_, seed, lineage_);
    if (!tokens) return Unexpected{tokens.error()};
    tokens_ = std::move(*tokens);
    engine_ = std::make_unique<DeliveryEngine>(config_, clock_, *transport_, *tokens_, stats_,
                                               seed ^ 0x9e3779b97f4a7c15ull, registry_);
    thread_ = std::thread([this] { Run(); });
    return OkStatus();
  }

  void Submit(aggregate::Batch batch) override {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      pending_records_ += batch.size();
      submitted_sizes_[batch.id] = batch.size();
      incoming_.push_back(Command{std::move(batch), {}});
    }
    transport_->Wakeup();
  }

  bool Withdraw(const std::vector<aggregate::PartitionId>& partitions, size_t* withdrawn) override {
    if (withdrawn != nullptr) *withdrawn = 0;
    std::unique_lock lock(mu_);
    if (stopped_) return true;  // the delivery thread is gone: nothing can start
    const uint64_t ticket = ++withdraw_requested_;
    // Queued behind the batches submitted before it, so those are withdrawn from as well.
    incoming_.push_back(Command{std::nullopt, partitions, ticket});
    lock.unlock();
    transport_->Wakeup();
    lock.lock();
    const bool applied = withdraw_done_cv_.wait_for(
        lock, kWithdrawWait, [&] { return withdraw_applied_ >= ticket || stopped_; });
    if (withdrawn != nullptr) *withdrawn = withdrawn_by_ticket_[ticket];
    withdrawn_by_ticket_.erase(ticket);
    return applied;
  }

  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> DrainOutcomes() override {
    std::lock_guard lock(mu_);
    auto out = std::exchange(outcomes_, {});
    auto settle = [this](uint64_t id) {
      auto size = submitted_sizes_.find(id);
      if (size == submitted_sizes_.end()) return;
      pending_records_ -= size->second;
      submitted_sizes_.erase(size);
    };
    for (const auto& [outcome, batch] : out) {
      // Withdrawn records leave a batch and merged batches join it on the way: count what was
      // submitted.
      settle(outcome.batch_id);
      for (uint64_t id : outcome.merged_batch_ids) settle(id);
    }
    return out;
  }

  bool AwaitOutcomes(Duration timeout) override {
    std::unique_lock lock(mu_);
    return outcomes_cv_.wait_for(lock, timeout, [this] {
      return !outcomes_.empty() || stopped_;
    }) && !outcomes_.empty();
  }

  void SetBudgetShare(double share) override {
    budget_share_.store(share);
    transport_->Wakeup();
  }

  std::vector<ListView> PinterestView() const override {
    std::lock_guard lock(view_mu_);
    return view_;
  }

  size_t PendingRecords() const override {
    std::lock_guard lock(mu_);
    return pending_records_;
  }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    stop_.store(true);
    withdraw_done_cv_.notify_all();
    outcomes_cv_.notify_all();
    if (transport_) transport_->Wakeup();
    if (thread_.joinable()) thread_.join();
  }

 private:
  // A batch to submit or partitions to withdraw, kept in one queue so their order holds.
  struct Command {
    std::optional<aggregate::Batch> batch;
    std::vector<aggregate::PartitionId> withdraw;
    uint64_t ticket = 0;
  };

  void Run() {
    NameThisThread("delivery");
    while (!stop_.load()) {
      std::vector<Command> incoming;
      {
        std::lock_guard lock(mu_);
        incoming.swap(incoming_);
      }
      for (auto& command : incoming) {
        if (command.batch) {
          engine_->Submit(std::move(*command.batch));
          continue;
        }
        const size_t removed = engine_->Withdraw(command.withdraw);
        {
          std::lock_guard lock(mu_);
          withdrawn_by_ticket_[command.ticket] = removed;
          withdraw_applied_ = command.ticket;
        }
        withdraw_done_cv_.notify_all();
      }
      if (const double share = budget_share_.load(); share != applied_share_) {
        engine_->SetBudgetShare(share);
        applied_share_ = share;
      }
      engine_->Pump();
      transport_->Poll(NextWait());
      engine_->Pump();
      auto finished = engine_->TakeFinished();
      if (!finished.empty()) {
        {
          std::lock_guard lock(mu_);
          for (auto& f : finished) outcomes_.push_back(std::move(f));
        }
        outcomes_cv_.notify_all();
      }
      PublishView();
    }
  }

  // How long the next Poll may wait for the transport: a tick while anything is under way; while
  // the engine is dormant, until the earliest embargo ends, within [kLoopTick, kDormantTick].
  std::chrono::milliseconds NextWait() const {
    const std::optional<SteadyTime> until = engine_->DormantUntil();
    if (!until) return kLoopTick;
    // SteadyTime::max() (nothing queued) minus now does not overflow: now is positive.
    return std::clamp(std::chrono::ceil<std::chrono::milliseconds>(*until - clock_.Now()),
                      kLoopTick, kDormantTick);
  }

  // A copy of Pinterest's view for other threads, made on the delivery thread when it changed
  // (readers never wait for the engine).
  void PublishView() {
    if (engine_->view_version() == published_view_version_) return;
    published_view_version_ = engine_->view_version();
    std::vector<ListView> view = engine_->PinterestView();
    std::lock_guard lock(view_mu_);
    view_.swap(view);
  }

  config::Config config_;
  const Clock& clock_;
  std::shared_ptr<prometheus::Registry> own_registry_;
  PinterestStats stats_;
  std::unique_ptr<HttpTransport> transport_;  // destroyed last: abandons in-flight requests
  std::unique_ptr<AccessTokenSource> tokens_;
  ListRegistry* registry_ = nullptr;
  CredentialLineage* lineage_ = nullptr;
  std::unique_ptr<DeliveryEngine> engine_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<double> budget_share_{1.0};
  double applied_share_ = 1.0;           // delivery thread only
  uint64_t published_view_version_ = 0;  // delivery thread only

  mutable std::mutex view_mu_;
  std::vector<ListView> view_;  // Pinterest's view, as last published

  mutable std::mutex mu_;
  bool stopped_ = false;
  std::vector<Command> incoming_;
  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> outcomes_;
  std::condition_variable outcomes_cv_;  // outcomes_ became non-empty, or stopped_
  size_t pending_records_ = 0;
  std::map<uint64_t, size_t> submitted_sizes_;  // by batch id, until drained
  std::condition_variable withdraw_done_cv_;
  uint64_t withdraw_requested_ = 0;
  uint64_t withdraw_applied_ = 0;
  std::map<uint64_t, size_t> withdrawn_by_ticket_;
};

}  // namespace

Result<BatchSinkPtr> MakePinterestBatchSink(const config::Config& config, const Clock& clock,
                                            prometheus::Registry* registry, SinkOptions options) {
  const std::string& url = config.pinterest.api_base_url;
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) {
    return MakeError("pinterest.api_base_url \"" + url +
                     "\" is not an http(s) URL; use https://api.pinterest.com/v5, or the "
                     "sandbox's http://127.0.0.1:PORT/v5");
  }
  if (!https && !url.starts_with("http://127.0.0.1") && !url.starts_with("http://localhost") &&
      !url.starts_with("http://[::1]")) {
    spdlog::warn(
        "pinterest.api_base_url {} is plain http to a non-loopback host: the access token "
        "travels unencrypted. Use https outside local testing",
        url);
  }
  std::shared_ptr<prometheus::Registry> own_registry;
  if (registry == nullptr) {
    own_registry = std::make_shared<prometheus::Registry>();
    registry = own_registry.get();
  }
  std::unique_ptr<HttpTransport> transport = std::move(options.transport);
  if (!transport) {
    auto curl = MakeCurlTransport(config.pinterest);
    if (!curl) return Unexpected{curl.error()};
    transport = std::move(*curl);
  }
  const uint64_t seed = options.rng_seed.value_or(std::random_device{}());
  auto sink = std::make_unique<PinterestBatchSink>(
      config, clock, std::move(own_registry), PinterestStats::Create(*registry),
      std::move(transport), options.registry, options.lineage);
  if (auto started = sink->Init(seed); !started) return Unexpected{started.error()};
  return BatchSinkPtr(std::move(sink));
}

}  // namespace pinsync::pinterest
