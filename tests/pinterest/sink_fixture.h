#pragma once
// Integration fixture: an in-process sandbox on 127.0.0.1 and PinterestBatchSinks pointed at it,
// with short backoffs so retries finish in well under a second.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pinsync/pinterest/pinterest_batch_sink.h"
#include "pinsync/sandbox/sandbox_server.h"
#include "pinterest/test_records.h"

namespace pinsync::pinterest::testing {

using Outcomes = std::vector<std::pair<DeliveryOutcome, aggregate::Batch>>;

class SinkFixture : public ::testing::Test {
 protected:
  void StartSandbox(sandbox::SandboxOptions options = {}) {
    auto server = sandbox::SandboxServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.error().message;
    sandbox_ = std::move(server.value());
  }

  void TearDown() override {
    for (auto& sink : sinks_) sink->Stop();
    sinks_.clear();
    if (sandbox_) sandbox_->Stop();
    if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_);
  }

  config::Config Config() const {
    config::Config c;
    c.pinterest.api_base_url = sandbox_->base_url();
    c.pinterest.ad_account_id = "111";
    c.pinterest.access_token = "test-token";
    c.pinterest.requests_per_minute = 60000;
    c.pinterest.retry_initial_backoff = std::chrono::milliseconds(10);
    c.pinterest.retry_max_backoff = std::chrono::milliseconds(200);
    c.pinterest.retry_max_duration = std::chrono::milliseconds(30000);
    c.pinterest.connect_timeout = std::chrono::milliseconds(2000);
    c.pinterest.request_timeout = std::chrono::milliseconds(5000);
    return c;
  }

  BatchSink& NewSink(const config::Config& config) {
    auto sink = MakePinterestBatchSink(config, SystemClock::Instance(), &registry_,
                                       SinkOptions{.rng_seed = 7, .transport = nullptr});
    EXPECT_TRUE(sink.ok()) << (sink.ok() ? "" : sink.error().message);
    if (!sink.ok()) std::abort();
    sinks_.push_back(std::move(sink.value()));
    return *sinks_.back();
  }

  // Waits (bounded) for `count` outcomes; polls the thread-safe queue every few milliseconds.
  // Batches settled by `out`: each outcome settles its batch and the batches merged into it.
  static size_t Settled(const Outcomes& out) {
    size_t n = 0;
    for (const auto& [outcome, batch] : out) n += 1 + outcome.merged_batch_ids.size();
    return n;
  }
  // Outcomes until `count` submitted batches are settled (merged ones included), or `limit`.
  static Outcomes Drain(BatchSink& sink, size_t count,
                        std::chrono::milliseconds limit = std::chrono::milliseconds(60000)) {
    Outcomes out;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (Settled(out) < count && std::chrono::steady_clock::now() < deadline) {
      for (auto& o : sink.DrainOutcomes()) out.push_back(std::move(o));
      if (Settled(out) < count) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return out;
  }

  const sandbox::ListSnapshot* FindList(const std::vector<sandbox::ListSnapshot>& lists,
                                        const std::string& account, const std::string& name) {
    const sandbox::ListSnapshot* found = nullptr;
    for (const auto& l : lists) {
      if (l.ad_account_id == account && l.name == name) {
        EXPECT_EQ(found, nullptr) << "two lists named " << name;
        found = &l;
      }
    }
    return found;
  }

  static std::vector<std::string> SortedHexes(const std::set<std::string>& hexes) {
    return std::vector<std::string>(hexes.begin(), hexes.end());
  }

  std::string TempDir() {
    if (temp_dir_.empty()) {
      char tmpl[] = "/tmp/pinsync-sink-test-XXXXXX";
      EXPECT_NE(mkdtemp(tmpl), nullptr);
      temp_dir_ = tmpl;
    }
    return temp_dir_;
  }

  std::unique_ptr<sandbox::SandboxServer> sandbox_;
  prometheus::Registry registry_;
  std::vector<BatchSinkPtr> sinks_;
  std::string temp_dir_;
};

}  // namespace pinsync::pinterest::testing
