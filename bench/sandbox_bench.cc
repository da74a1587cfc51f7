// The sandbox is the benchmarks' Pinterest: it must take hundreds of 1,900-record PATCHes per
// second without being the bottleneck. Measures the whole request over loopback (one and several
// keep-alive clients) and the pure parts (records parsing, applying a batch).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pinsync/sandbox/records.h"
#include "pinsync/sandbox/sandbox_server.h"

namespace pinsync::sandbox {
namespace {

constexpr int kRecordsPerRequest = 1900;

std::string RandomRecords(std::mt19937_64& rng, int count) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<size_t>(count) * 65);
  for (int i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    for (int word = 0; word < 4; ++word) {
      uint64_t bits = rng();
      for (int j = 0; j < 16; ++j, bits >>= 4) out.push_back(kDigits[bits & 0xf]);
    }
  }
  return out;
}

// Bodies for PATCH ADD with fresh random SHA-256 hashes, so the member set keeps growing.
const std::vector<std::string>& PatchBodies() {
  static const std::vector<std::string> bodies = [] {
    std::mt19937_64 rng(42);
    std::vector<std::string> out;
    for (int i = 0; i < 64; ++i) {
      out.push_back(R"({"operation_type":"ADD","records":")" +
                    RandomRecords(rng, kRecordsPerRequest) + "\"}");
    }
    return out;
  }();
  return bodies;
}

struct SharedSandbox {
  std::unique_ptr<SandboxServer> server;
  std::string list_path;
};

SharedSandbox& Sandbox() {
  static SharedSandbox shared = [] {
    SharedSandbox s;
    auto started = SandboxServer::Start({});
    if (!started.ok()) {
      std::fprintf(stderr, "%s\n", started.error().message.c_str());
      std::abort();
    }
    s.server = std::move(started.value());
    httplib::Client client("127.0.0.1", s.server->port());
    std::mt19937_64 rng(1);
    auto res = client.Post("/v5/ad_accounts/1/customer_lists", {{"Authorization", "Bearer b"}},
                           R"({"name":"bench","records":")" + RandomRecords(rng, 1) + "\"}",
                           "application/json");
    if (!res || res->status != 200) std::abort();
    const auto& body = res->body;
    const size_t at = body.find("\"id\":\"") + 6;
    s.list_path = "/v5/ad_accounts/1/customer_lists/" + body.substr(at, body.find('"', at) - at);
    return s;
  }();
  return shared;
}

// Whole PATCH requests over loopback, each benchmark thread with its own keep-alive client.
void BM_SandboxPatch1900Records(benchmark::State& state) {
  auto& sandbox = Sandbox();
  httplib::Client client("127.0.0.1", sandbox.server->port());
  client.set_keep_alive(true);
  const httplib::Headers auth = {{"Authorization", "Bearer b"}};
  const auto& bodies = PatchBodies();
  size_t i = static_cast<size_t>(state.thread_index()) * 7;
  for (auto _ : state) {
    auto res = client.Patch(sandbox.list_path.c_str(), auth, bodies[i++ % bodies.size()],
                            "application/json");
    if (!res || res->status != 200) {
      state.SkipWithError("PATCH failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerRequest);
  state.counters["requests_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SandboxPatch1900Records)->UseRealTime()->Threads(1)->Threads(4);

void BM_ParseRecords1900(benchmark::State& state) {
  std::mt19937_64 rng(7);
  const std::string records = RandomRecords(rng, kRecordsPerRequest);
  for (auto _ : state) {
    auto parsed = ParseRecords(records);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerRequest);
}
BENCHMARK(BM_ParseRecords1900);

void BM_StateAdd1900(benchmark::State& state) {
  ManualClock clock;
  SandboxState sandbox_state(clock);
  std::mt19937_64 rng(9);
  std::vector<std::vector<HashedId>> batches;
  for (int i = 0; i < 32; ++i)
    batches.push_back(*ParseRecords(RandomRecords(rng, kRecordsPerRequest)));
  auto list = sandbox_state.CreateList("1", "bench", "EMAIL", batches[0]);
  size_t i = 0;
  for (auto _ : state) {
    auto updated =
        sandbox_state.UpdateList("1", list->id, MembershipOp::kAdd, batches[i++ % batches.size()]);
    benchmark::DoNotOptimize(updated);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerRequest);
}
BENCHMARK(BM_StateAdd1900);

}  // namespace
}  // namespace pinsync::sandbox
BENCHMARK_MAIN();
