// How well delivery spends Pinterest's request budget, in simulated time: the DeliveryEngine
// against the test suite's fake Pinterest (tests/pinterest/fake_pinterest.h), which here also
// enforces the budget per fixed minute (429 with Retry-After past it), on a ManualClock.
//
// BM_BacklogUnderBudget: 20 lists, a stream faster than the budget (10,000 records/s for 60 s,
// cut by a 1 s max_age into one batch per list per second, 10 % of them removes of earlier
// adds), 300 requests a minute. Reports requests used over the fewest the data allows
// (per list: ceil(net adds / 1,900) + ceil(net removes / 1,900)), the drain time over the
// budget-limited ideal, and 429s.
// BM_RestartLookups: 2,000 existing lists with audiences, one batch each after a restart:
// requests spent on look-ups.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <set>

#include <prometheus/registry.h>

#include <cstdio>
#include <cstdlib>

#include "pinsync/pinterest/delivery_engine.h"
#include "pinterest/fake_pinterest.h"
#include "pinterest/test_records.h"

namespace {

using namespace pinsync;
using namespace pinsync::pinterest;
using namespace pinsync::pinterest::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The engine, the fake Pinterest and a ManualClock (like the tests' EngineHarness, without
// GoogleTest).
class Simulation {
 public:
  explicit Simulation(config::Config config) : config_(std::move(config)) {
    config_.pinterest.api_base_url = FakePinterest::kBase;
    config_.pinterest.ad_account_id = "111";
    config_.pinterest.access_token = "static-token";
    auto tokens = AccessTokenSource::Create(config_.pinterest, clock_, transport_, stats_, 1);
    if (!tokens) {
      std::fprintf(stderr, "budget_bench: %s\n", tokens.error().message.c_str());
      std::abort();
    }
    tokens_ = std::move(*tokens);
    engine_ = std::make_unique<DeliveryEngine>(config_, clock_, transport_, *tokens_, stats_, 2);
  }
  // One turn: pump, answer, collect, advance.
  std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> Turn(Duration step) {
    engine_->Pump();
    transport_.Poll(milliseconds(0));
    auto out = engine_->TakeFinished();
    clock_.Advance(step);
    return out;
  }
  size_t CountLog(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& line : pinterest_.log) n += line.starts_with(prefix) ? 1 : 0;
    return n;
  }
  ManualClock& clock() { return clock_; }
  FakePinterest& pinterest() { return pinterest_; }
  DeliveryEngine& engine() { return *engine_; }

 private:
  config::Config config_;
  ManualClock clock_;
  FakePinterest pinterest_;
  FakeTransport transport_{[this](const HttpRequest& r) { return pinterest_(r); }};
  prometheus::Registry registry_;
  PinterestStats stats_ = PinterestStats::Create(registry_);
  std::unique_ptr<AccessTokenSource> tokens_;
  std::unique_ptr<DeliveryEngine> engine_;
};

// Answers 429 past `budget` requests in the current minute of the clock, like the sandbox.
struct BudgetEnforcer {
  const ManualClock* clock = nullptr;
  int budget = 0;
  int64_t minute = -1;
  int used = 0;
  int refused = 0;

  std::optional<HttpResponse> operator()(const HttpRequest&) {
    const int64_t now_ms =
        std::chrono::duration_cast<milliseconds>(clock->Now().time_since_epoch()).count();
    if (now_ms / 60000 != minute) {
      minute = now_ms / 60000;
      used = 0;
    }
    if (used >= budget) {
      ++refused;
      const int64_t wait_s = (60000 - now_ms % 60000 + 999) / 1000;
      return Answer(429, R"({"code":429,"message":"rate limited"})",
                    {{"retry-after", std::to_string(wait_s)}});
    }
    ++used;
    return std::nullopt;
  }
};

void BM_BacklogUnderBudget(benchmark::State& state) {
  constexpr int kLists = 20;
  constexpr int kSeconds = 60;
  constexpr int kPerListPerSecond = 500;  // 10,000 records/s over all lists
  constexpr int kBudget = 300;            // requests a minute
  for (auto _ : state) {
    config::Config c;
    c.pinterest.requests_per_minute = kBudget;
    c.pinterest.max_concurrent_requests = 8;
    c.pinterest.retry_initial_backoff = milliseconds(100);
    c.pinterest.retry_max_backoff = seconds(5);
    Simulation h(c);
    BudgetEnforcer enforcer{&h.clock(), kBudget};
    h.pinterest().fault = [&](const HttpRequest& r) { return enforcer(r); };
    const SteadyTime start = h.clock().Now();
    std::map<int, std::set<uint64_t>> members;  // what each list should end with
    std::map<int, size_t> removed_total;        // per list: records added, then removed
    uint64_t next_id = 0, batch_id = 0, submitted = 0;
    size_t finished = 0;
    const Duration step = milliseconds(50);
    SteadyTime drained{};
    for (int turn = 0; turn < 200000 && (submitted < kLists * kSeconds || finished < submitted);
         ++turn) {
      const Duration elapsed = h.clock().Now() - start;
      if (elapsed % seconds(1) == Duration::zero() && elapsed < seconds(kSeconds)) {
        for (int l = 0; l < kLists; ++l) {
          std::vector<aggregate::BatchRecord> adds, removes;
          // A batch changes each record once: removes take members added in earlier seconds.
          const std::set<uint64_t> earlier = members[l];
          auto oldest = earlier.begin();
          for (int i = 0; i < kPerListPerSecond; ++i) {
            if (i % 10 == 9 && oldest != earlier.end()) {
              members[l].erase(*oldest);
              ++removed_total[l];
              removes.push_back({IdFor(*oldest++), 0});
            } else {
              members[l].insert(next_id);
              adds.push_back({IdFor(next_id++), 0});
            }
          }
          auto batch = MakeBatch(++batch_id, "111", "aud" + std::to_string(l), ListType::kEmail,
                                 adds, removes);
          batch.opened_at = h.clock().Now() - seconds(1);
          h.engine().Submit(std::move(batch));
          ++submitted;
        }
      }
      for (auto& [outcome, batch] : h.Turn(step)) {
        finished += 1 + outcome.merged_batch_ids.size();
      }
      if (finished == submitted && submitted == kLists * kSeconds) drained = h.clock().Now();
    }
    // The fewest requests the data allows: per list, the net adds and removes over the run
    // (every removed record was added earlier in the run, so removes net to the removed).
    double fewest = 0;
    size_t wrong = 0;
    for (int l = 0; l < kLists; ++l) {
      const size_t added = members[l].size();
      const size_t removed = removed_total[l];
      fewest += std::ceil(added / 1900.0) + std::ceil(removed / 1900.0);
      const auto* list = h.pinterest().FindList("111", "aud" + std::to_string(l) + "-EMAIL");
      std::set<std::string> expected;
      for (uint64_t id : members[l]) expected.insert(IdFor(id).Hex());
      wrong += list == nullptr || list->members != expected ? 1 : 0;
    }
    const double updates = static_cast<double>(h.CountLog("PATCH") +
                                               h.CountLog("POST /ad_accounts/111/customer_lists"));
    const double drain_s = std::chrono::duration<double>(drained - start).count();
    const double ideal_s =
        std::max<double>(kSeconds, fewest / (kBudget / 60.0));  // the budget or the stream
    state.counters["requests"] = updates;
    state.counters["fewest"] = fewest;
    state.counters["fewest_over_used"] = fewest / updates;
    state.counters["drain_s"] = drain_s;
    state.counters["ideal_s"] = ideal_s;
    state.counters["ideal_over_drain"] = ideal_s / drain_s;
    state.counters["http_429"] = enforcer.refused;
    state.counters["lists_wrong"] = static_cast<double>(wrong);
  }
}
BENCHMARK(BM_BacklogUnderBudget)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_RestartLookups(benchmark::State& state) {
  const int lists = static_cast<int>(state.range(0));
  for (auto _ : state) {
    config::Config c;
    c.pinterest.requests_per_minute = 100000;  // this one measures look-ups, not the budget
    Simulation h(c);
    for (int i = 0; i < lists; ++i) {
      const std::string name = "aud" + std::to_string(i);
      const std::string id = h.pinterest().AddList("111", name + "-EMAIL");
      h.pinterest().audiences["111"].push_back({"a" + std::to_string(i), name, id});
    }
    for (int i = 0; i < lists; ++i) {
      h.engine().Submit(MakeBatch(static_cast<uint64_t>(i + 1), "111", "aud" + std::to_string(i),
                                  ListType::kEmail, Records(static_cast<uint64_t>(i) * 10, 1)));
    }
    size_t finished = 0;
    for (int turn = 0; turn < 200000 && finished < static_cast<size_t>(lists); ++turn) {
      finished += h.Turn(milliseconds(10)).size();
    }
    const double lookups = static_cast<double>(h.CountLog("GET"));
    state.counters["lists"] = lists;
    state.counters["lookup_requests"] = lookups;
    state.counters["ideal_2x_pages"] = 2 * std::ceil(lists / 250.0);
    state.counters["finished"] = static_cast<double>(finished);
    state.counters["creates"] = static_cast<double>(h.CountLog("POST"));
  }
}
// The fake serves audiences in one page, so the audience sweep is one request here.
BENCHMARK(BM_RestartLookups)->Arg(2000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
