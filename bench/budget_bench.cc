// How well delivery spends Pinterest's request budget, in simulated time: the DeliveryEngine
// against the test suite's fake Pinterest, driven by its EngineHarness (tests/pinterest/); the
// fake here also enforces the budget per fixed minute (429 with Retry-After past it).
//
// BM_BacklogUnderBudget: 20 lists, a stream faster than the budget (10,000 records/s for 60 s,
// cut by a 1 s max_age into one batch per list per second, 10 % of them removes of earlier
// adds), 300 requests a minute. Reports requests used over the fewest the data allows, the drain
// time over the budget-limited ideal, and 429s. The fewest the data allows, per list:
// ceil(due adds / 1,900) + ceil(due removes / 1,900), where a change is due (must reach
// Pinterest) unless a later change of the same record arrives before the change's batch is due
// (cut at max_age): the age trigger means "this change must be sent by then". Here every remove
// takes a member added in an earlier second, whose batch was already due, so every change is
// due. Also reported, for comparison: the count over the run's net membership (final members as
// adds, every removed record as a remove: `fewest_net_counted`, the figure used before) and the
// floor if nothing were due before the run's end (`floor_end_of_run`: final members only).
// BM_RestartLookups: 2,000 existing lists with audiences, one batch each after a restart:
// requests spent on look-ups.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <set>

#include "pinsync/pinterest/delivery_engine.h"
#include "pinterest/engine_harness.h"

namespace {

using namespace pinsync;
using namespace pinsync::pinterest;
using namespace pinsync::pinterest::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;

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
    config::Config c = FakeConfig();  // the fake's address and credentials, then:
    c.pinterest.requests_per_minute = kBudget;
    c.pinterest.max_concurrent_requests = 8;
    c.pinterest.retry_initial_backoff = milliseconds(100);
    c.pinterest.retry_max_backoff = seconds(5);
    c.pinterest.retry_max_duration = config::PinterestConfig{}.retry_max_duration;
    EngineHarness h(c);
    BudgetEnforcer enforcer{&h.clock(), kBudget};
    h.pinterest().fault = [&](const HttpRequest& r) { return enforcer(r); };
    h.Start();
    const SteadyTime start = h.clock().Now();
    std::map<int, std::set<uint64_t>> members;    // what each list should end with
    std::map<int, size_t> removed_total;          // per list: records added, then removed
    std::map<int, size_t> due_adds, due_removes;  // per list: changes that must reach Pinterest
    std::map<uint64_t, SteadyTime> add_due_at;    // per record: when its add's batch was due
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
              if (h.clock().Now() < add_due_at[*oldest]) {
                --due_adds[l];  // its add was not due yet: the remove cancels it
              } else {
                ++due_removes[l];
              }
              removes.push_back({IdFor(*oldest++), 0});
            } else {
              members[l].insert(next_id);
              ++due_adds[l];
              // Cut now (opened a max_age ago): due now.
              add_due_at[next_id] = h.clock().Now();
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
      h.engine().Pump();
      h.transport().Poll(milliseconds(0));
      for (auto& [outcome, batch] : h.engine().TakeFinished()) {
        finished += 1 + outcome.merged_batch_ids.size();
      }
      h.clock().Advance(step);
      if (finished == submitted && submitted == kLists * kSeconds) drained = h.clock().Now();
    }
    double fewest = 0, fewest_net_counted = 0, floor_end_of_run = 0;
    size_t wrong = 0;
    for (int l = 0; l < kLists; ++l) {
      fewest += std::ceil(static_cast<double>(due_adds[l]) / 1900.0) +
                std::ceil(static_cast<double>(due_removes[l]) / 1900.0);
      fewest_net_counted += std::ceil(static_cast<double>(members[l].size()) / 1900.0) +
                            std::ceil(static_cast<double>(removed_total[l]) / 1900.0);
      floor_end_of_run += std::ceil(static_cast<double>(members[l].size()) / 1900.0);
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
    state.counters["fewest_net_counted"] = fewest_net_counted;
    state.counters["floor_end_of_run"] = floor_end_of_run;
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
    config::Config c = FakeConfig();
    c.pinterest.requests_per_minute = 100000;  // this one measures look-ups, not the budget
    c.pinterest.retry_initial_backoff = config::PinterestConfig{}.retry_initial_backoff;
    c.pinterest.retry_max_backoff = config::PinterestConfig{}.retry_max_backoff;
    c.pinterest.retry_max_duration = config::PinterestConfig{}.retry_max_duration;
    EngineHarness h(c);
    for (int i = 0; i < lists; ++i) {
      const std::string name = "aud" + std::to_string(i);
      const std::string id = h.pinterest().AddList("111", name + "-EMAIL");
      h.pinterest().audiences["111"].push_back({"a" + std::to_string(i), name, id});
    }
    h.Start();
    for (int i = 0; i < lists; ++i) {
      h.engine().Submit(MakeBatch(static_cast<uint64_t>(i + 1), "111", "aud" + std::to_string(i),
                                  ListType::kEmail, Records(static_cast<uint64_t>(i) * 10, 1)));
    }
    const size_t finished = h.Run(static_cast<size_t>(lists), 200000).size();
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
