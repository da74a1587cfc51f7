// How well delivery spends Pinterest's request budget, in simulated time: the DeliveryEngine
// against the test suite's fake Pinterest, driven by its EngineHarness (tests/pinterest/); the
// fake here also enforces the budget per fixed minute (429 with Retry-After past it).
//
// BM_BacklogUnderBudget/<records per list per second>/<seconds>/<removes>: 20 lists, a stream
// cut by a 1 s max_age into one batch per list per second, 10 % of each batch removes of members
// added in earlier seconds (<removes> 0: the oldest members first; 1: members drawn at random,
// fixed seed), against a budget of 300 requests a minute (9,500 records/s at 1,900 a request).
// Two streams: 500 records per list per second for 60 s (10,000 records/s, barely faster than the
// budget: the backlog stays shallow), and 2,000 for 15 s (40,000 records/s, four times the budget,
// like a backlog read after an outage: the issue's scenario). Reports requests used over the
// fewest the data allows, the drain time over the budget-limited ideal, and 429s, against two
// yardsticks:
// - the issue's (`net_*`): per list ceil(net adds / 1,900) + ceil(net removes / 1,900), the net
//   adds being the final members and the net removes every removed record (the list starts empty
//   but pinsync cannot know it, so a removed record costs a remove). It counts an add that was
//   later removed as free, which it is only if the remove arrives before the add could be sent.
// - changes that were due (`due_*`): a change is due (must reach Pinterest) unless a later
//   change of the same record arrives before the change's batch is due (cut at max_age): the age
//   trigger means "this change must be sent by then". Per list ceil(due adds / 1,900) +
//   ceil(due removes / 1,900). Where the budget keeps up with the stream, an add is sent before
//   its member leaves, and this is what the data allows.
// The ideal drain is the larger of the stream's length and, at the budget's rate, the fewest
// requests plus what new lists need besides their updates (a page of look-up, an audience create
// each). `floor_end_of_run` is the floor if nothing were due before the run's end (final members
// only).
// BM_RestartLookups: 2,000 existing lists with audiences, one batch each after a restart:
// requests spent on look-ups.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <random>
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

// How long after it was due each change reached Pinterest, per operation: the freshness a user
// sees under the backlog, and whether removes wait longer than adds.
struct ChangeDelays {
  const ManualClock* clock = nullptr;
  std::map<std::string, SteadyTime> add_due, remove_due;  // by record (hex), when it was due
  double add_sum = 0, add_max = 0, remove_sum = 0, remove_max = 0;
  size_t adds = 0, removes = 0;

  // Called for each request Pinterest accepted: a create or an update carrying records.
  void Sent(const HttpRequest& request) {
    const size_t at = request.body.find("\"records\":\"");
    if (at == std::string::npos) return;
    const bool remove = request.body.find("\"REMOVE\"") != std::string::npos;
    std::map<std::string, SteadyTime>& due = remove ? remove_due : add_due;
    size_t begin = at + 11;
    const size_t end = request.body.find('"', begin);
    while (begin < end) {
      const size_t comma = std::min(request.body.find(',', begin), end);
      auto it = due.find(request.body.substr(begin, comma - begin));
      if (it != due.end()) {
        const double late = std::chrono::duration<double>(clock->Now() - it->second).count();
        (remove ? remove_sum : add_sum) += late;
        double& max = remove ? remove_max : add_max;
        max = std::max(max, late);
        ++(remove ? removes : adds);
        due.erase(it);
      }
      begin = comma + 1;
    }
  }
};

void BM_BacklogUnderBudget(benchmark::State& state) {
  constexpr int kLists = 20;
  constexpr int kBudget = 300;  // requests a minute
  const int per_list_per_second = static_cast<int>(state.range(0));
  const int seconds_of_stream = static_cast<int>(state.range(1));
  const bool random_removes = state.range(2) != 0;
  for (auto _ : state) {
    config::Config c = FakeConfig();  // the fake's address and credentials, then:
    c.pinterest.requests_per_minute = kBudget;
    c.pinterest.max_concurrent_requests = 8;
    c.pinterest.retry_initial_backoff = milliseconds(100);
    c.pinterest.retry_max_backoff = seconds(5);
    c.pinterest.retry_max_duration = config::PinterestConfig{}.retry_max_duration;
    EngineHarness h(c);
    BudgetEnforcer enforcer{&h.clock(), kBudget};
    ChangeDelays delays;
    delays.clock = &h.clock();
    h.pinterest().fault = [&](const HttpRequest& r) {
      auto refused = enforcer(r);
      if (!refused) delays.Sent(r);
      return refused;
    };
    h.Start();
    const SteadyTime start = h.clock().Now();
    std::mt19937_64 random(20261201);
    std::map<int, std::set<uint64_t>> members;       // what each list should end with
    std::map<int, std::vector<uint64_t>> removable;  // members added in earlier seconds
    std::map<int, size_t> removed_total;             // per list: records added, then removed
    std::map<int, size_t> due_adds, due_removes;     // per list: changes that must reach Pinterest
    std::map<uint64_t, SteadyTime> add_due_at;       // per record: when its add's batch was due
    uint64_t next_id = 0, batch_id = 0, submitted = 0;
    const uint64_t batches = static_cast<uint64_t>(kLists) * seconds_of_stream;
    size_t finished = 0;
    const Duration step = milliseconds(50);
    SteadyTime drained{};
    for (int turn = 0; turn < 200000 && (submitted < batches || finished < submitted); ++turn) {
      const Duration elapsed = h.clock().Now() - start;
      if (elapsed % seconds(1) == Duration::zero() && elapsed < seconds(seconds_of_stream)) {
        for (int l = 0; l < kLists; ++l) {
          std::vector<aggregate::BatchRecord> adds, removes;
          // A batch changes each record once: removes take members added in earlier seconds.
          std::vector<uint64_t>& pool = removable[l];
          if (!random_removes) std::sort(pool.begin(), pool.end(), std::greater<>());
          std::vector<uint64_t> added_now;
          for (int i = 0; i < per_list_per_second; ++i) {
            if (i % 10 == 9 && !pool.empty()) {
              // The oldest member is the pool's last (sorted descending); a random one is swapped
              // there first.
              if (random_removes) std::swap(pool[random() % pool.size()], pool.back());
              const uint64_t gone = pool.back();
              pool.pop_back();
              members[l].erase(gone);
              ++removed_total[l];
              if (h.clock().Now() < add_due_at[gone]) {
                --due_adds[l];  // its add was not due yet: the remove cancels it
              } else {
                ++due_removes[l];
              }
              delays.remove_due[IdFor(gone).Hex()] = h.clock().Now();
              removes.push_back({IdFor(gone), 0});
            } else {
              members[l].insert(next_id);
              ++due_adds[l];
              // Cut now (opened a max_age ago): due now.
              add_due_at[next_id] = h.clock().Now();
              added_now.push_back(next_id);
              delays.add_due[IdFor(next_id).Hex()] = h.clock().Now();
              adds.push_back({IdFor(next_id++), 0});
            }
          }
          pool.insert(pool.end(), added_now.begin(), added_now.end());
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
      if (finished == submitted && submitted == batches) drained = h.clock().Now();
    }
    double due_fewest = 0, net_fewest = 0, floor_end_of_run = 0;
    size_t wrong = 0;
    for (int l = 0; l < kLists; ++l) {
      due_fewest += std::ceil(static_cast<double>(due_adds[l]) / 1900.0) +
                    std::ceil(static_cast<double>(due_removes[l]) / 1900.0);
      net_fewest += std::ceil(static_cast<double>(members[l].size()) / 1900.0) +
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
    // New lists need, besides their updates, one page of the account's lists (finding none) and
    // an audience create each; the list's own create carries its first records, so it is counted
    // with the updates.
    const double setup = kLists + std::ceil(kLists / 250.0);
    // The budget or the stream, whichever is longer.
    auto ideal_s = [&](double fewest) {
      return std::max<double>(seconds_of_stream, (fewest + setup) / (kBudget / 60.0));
    };
    state.counters["requests"] = updates;
    state.counters["net_fewest"] = net_fewest;
    state.counters["net_fewest_over_used"] = net_fewest / updates;
    state.counters["net_ideal_over_drain"] = ideal_s(net_fewest) / drain_s;
    state.counters["due_fewest"] = due_fewest;
    state.counters["due_fewest_over_used"] = due_fewest / updates;
    state.counters["due_ideal_over_drain"] = ideal_s(due_fewest) / drain_s;
    state.counters["floor_end_of_run"] = floor_end_of_run;
    state.counters["drain_s"] = drain_s;
    state.counters["setup_requests"] = static_cast<double>(h.CountLog("")) - updates;
    state.counters["setup_fewest"] = setup;
    state.counters["add_late_mean_s"] = delays.add_sum / std::max<double>(1, delays.adds);
    state.counters["add_late_max_s"] = delays.add_max;
    state.counters["remove_late_mean_s"] = delays.remove_sum / std::max<double>(1, delays.removes);
    state.counters["remove_late_max_s"] = delays.remove_max;
    state.counters["http_429"] = enforcer.refused;
    state.counters["lists_wrong"] = static_cast<double>(wrong);
  }
}
BENCHMARK(BM_BacklogUnderBudget)
    ->ArgNames({"per_list_per_s", "seconds", "random_removes"})
    ->Args({500, 60, 0})
    ->Args({500, 60, 1})
    ->Args({2000, 15, 0})
    ->Args({2000, 15, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

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
