#pragma once
// Drives a DeliveryEngine against the FakePinterest with a ManualClock: no threads, no sleeps.

#include <prometheus/registry.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "pinsync/pinterest/delivery_engine.h"
#include "pinterest/fake_pinterest.h"
#include "pinterest/test_records.h"

namespace pinsync::pinterest::testing {

inline config::Config FakeConfig() {
  config::Config c;
  c.pinterest.api_base_url = FakePinterest::kBase;
  c.pinterest.ad_account_id = "111";
  c.pinterest.access_token = "static-token";
  c.pinterest.requests_per_minute = 6000;
  c.pinterest.retry_initial_backoff = std::chrono::milliseconds(10);
  c.pinterest.retry_max_backoff = std::chrono::milliseconds(100);
  c.pinterest.retry_max_duration = std::chrono::milliseconds(5000);
  return c;
}

using Outcomes = std::vector<std::pair<DeliveryOutcome, aggregate::Batch>>;

inline bool IsPatch(const HttpRequest& r) { return r.method == HttpMethod::kPatch; }
inline bool IsGet(const HttpRequest& r) { return r.method == HttpMethod::kGet; }

class EngineHarness {
 public:
  // `shared`: answer from another harness's FakePinterest (several members, one Pinterest).
  explicit EngineHarness(config::Config config = FakeConfig(), FakePinterest* shared = nullptr)
      : config_(std::move(config)), shared_(shared) {}

  // Builds the engine; call after adjusting config() and pinterest(). Free of GoogleTest, so the
  // benchmarks drive the engine with it too: an unusable configuration aborts (the engine could
  // not run anyway).
  void Start(ListRegistry* registry = nullptr) {
    auto tokens = AccessTokenSource::Create(config_.pinterest, clock_, transport_, stats_, 1);
    if (!tokens) {
      std::fprintf(stderr, "EngineHarness: %s\n", tokens.error().message.c_str());
      std::abort();
    }
    tokens_ = std::move(*tokens);
    engine_ = std::make_unique<DeliveryEngine>(config_, clock_, transport_, *tokens_, stats_, 2,
                                               registry);
  }

  // Turns the loop (pump, poll, advance `step`) until `expected` outcomes or `max_turns`.
  Outcomes Run(size_t expected, int max_turns = 20000,
               Duration step = std::chrono::milliseconds(10)) {
    Outcomes out;
    for (int turn = 0; turn < max_turns && out.size() < expected; ++turn) {
      engine_->Pump();
      transport_.Poll(std::chrono::milliseconds(0));
      for (auto& f : engine_->TakeFinished()) out.push_back(std::move(f));
      clock_.Advance(step);
    }
    return out;
  }

  // Exactly `turns` turns of the loop, whatever finishes.
  void Turns(int turns, Duration step = std::chrono::milliseconds(10)) {
    for (int turn = 0; turn < turns; ++turn) {
      engine_->Pump();
      transport_.Poll(std::chrono::milliseconds(0));
      engine_->TakeFinished();
      clock_.Advance(step);
    }
  }

  config::Config& config() { return config_; }
  ManualClock& clock() { return clock_; }
  FakePinterest& pinterest() { return shared_ != nullptr ? *shared_ : pinterest_; }
  FakeTransport& transport() { return transport_; }
  DeliveryEngine& engine() { return *engine_; }
  AccessTokenSource& tokens() { return *tokens_; }
  PinterestStats& stats() { return stats_; }

  size_t CountLog(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& line : Target().log) n += line.starts_with(prefix) ? 1 : 0;
    return n;
  }

 private:
  const FakePinterest& Target() const { return shared_ != nullptr ? *shared_ : pinterest_; }

  config::Config config_;
  ManualClock clock_;
  FakePinterest pinterest_;
  FakePinterest* shared_ = nullptr;
  FakeTransport transport_{[this](const HttpRequest& r) { return pinterest()(r); }};
  prometheus::Registry registry_;
  PinterestStats stats_ = PinterestStats::Create(registry_);
  std::unique_ptr<AccessTokenSource> tokens_;
  std::unique_ptr<DeliveryEngine> engine_;
};

}  // namespace pinsync::pinterest::testing
