#include "pinsync/pinterest/pinterest_batch_sink.h"

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "pinsync/pinterest/access_token_source.h"
#include "pinsync/pinterest/delivery_engine.h"
#include "pinsync/pinterest/pinterest_stats.h"

namespace pinsync::pinterest {

namespace {

// Longest the delivery thread sleeps between turns: bounds Stop() and timer lateness.
constexpr std::chrono::milliseconds kLoopTick{20};

class PinterestBatchSink final : public BatchSink {
 public:
  PinterestBatchSink(config::Config config, const Clock& clock,
                     std::shared_ptr<prometheus::Registry> own_registry, PinterestStats stats,
                     std::unique_ptr<HttpTransport> transport)
      : config_(std::move(config)),
        clock_(clock),
        own_registry_(std::move(own_registry)),
        stats_(stats),
        transport_(std::move(transport)) {}

  ~PinterestBatchSink() override { Stop(); }

  Status<> Init(uint64_t seed) {
    auto tokens = AccessTokenSource::Create(config_.pinterest, clock_, *transport_, stats_, seed);
    if (!tokens) return Unexpected{tokens.error()};
    tokens_ = std::move(*tokens);
    engine_ = std::make_unique<DeliveryEngine>(config_, clock_, *transport_, *tokens_, stats_,
                                               seed ^ 0x9e3779b97f4a7c15ull);
    thread_ = std::thread([this] { Run(); });
    return OkStatus();
  }

  void Submit(aggregate::Batch batch) override {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      pending_records_ += batch.size();
      incoming_.push_back(std::move(batch));
    }
    transport_->Wakeup();
  }

  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> DrainOutcomes() override {
    std::lock_guard lock(mu_);
    auto out = std::exchange(outcomes_, {});
    for (const auto& [outcome, batch] : out) pending_records_ -= batch.size();
    return out;
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
    if (transport_) transport_->Wakeup();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    while (!stop_.load()) {
      std::vector<aggregate::Batch> incoming;
      {
        std::lock_guard lock(mu_);
        incoming.swap(incoming_);
      }
      for (auto& batch : incoming) engine_->Submit(std::move(batch));
      engine_->Pump();
      transport_->Poll(kLoopTick);
      engine_->Pump();
      auto finished = engine_->TakeFinished();
      if (!finished.empty()) {
        std::lock_guard lock(mu_);
        for (auto& f : finished) outcomes_.push_back(std::move(f));
      }
    }
  }

  config::Config config_;
  const Clock& clock_;
  std::shared_ptr<prometheus::Registry> own_registry_;
  PinterestStats stats_;
  std::unique_ptr<HttpTransport> transport_;  // destroyed last: abandons in-flight requests
  std::unique_ptr<AccessTokenSource> tokens_;
  std::unique_ptr<DeliveryEngine> engine_;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  mutable std::mutex mu_;
  bool stopped_ = false;
  std::vector<aggregate::Batch> incoming_;
  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> outcomes_;
  size_t pending_records_ = 0;
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
  auto sink =
      std::make_unique<PinterestBatchSink>(config, clock, std::move(own_registry),
                                           PinterestStats::Create(*registry), std::move(transport));
  if (auto started = sink->Init(seed); !started) return Unexpected{started.error()};
  return BatchSinkPtr(std::move(sink));
}

}  // namespace pinsync::pinterest
