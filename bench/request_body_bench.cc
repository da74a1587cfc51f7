// The delivery thread's request bodies: a PATCH of 1,900 SHA-256 records (~122 KB), built the
// way the engine did before issue 10's eighth pass (records joined into a string, then copied
// into the body after a scan for characters to escape) and in one pass (hex written straight
// into the body, whose room is reserved once).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "pinsync/aggregate/batch.h"
#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/chunking.h"

namespace pinsync::pinterest {
namespace {

constexpr uint32_t kRecordsPerRequest = 1900;

struct Request {
  std::vector<aggregate::BatchRecord> records;
  RecordChunk chunk;
};

// 1,900 random SHA-256 ids, and a chunk naming every other one of twice as many (a request's
// records are not contiguous in its batch once merges have happened).
const Request& TypicalRequest() {
  static const Request request = [] {
    Request r;
    std::mt19937_64 rng(7);
    for (uint32_t i = 0; i < 2 * kRecordsPerRequest; ++i) {
      aggregate::BatchRecord record;
      record.id.length = 32;
      for (auto& byte : record.id.bytes) byte = static_cast<uint8_t>(rng());
      r.records.push_back(record);
      if (i % 2 == 0) r.chunk.push_back(i);
    }
    return r;
  }();
  return request;
}

void BM_UpdateBodyJoinedThenCopied(benchmark::State& state) {
  const Request& r = TypicalRequest();
  for (auto _ : state) {
    std::string body = UpdateListBody(MembershipOp::kAdd, JoinRecords(r.records, r.chunk));
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerRequest);
}
BENCHMARK(BM_UpdateBodyJoinedThenCopied);

void BM_UpdateBodyInOnePass(benchmark::State& state) {
  const Request& r = TypicalRequest();
  for (auto _ : state) {
    std::string body =
        UpdateListBodyOpen(MembershipOp::kAdd, JoinedRecordsBytes(r.records, r.chunk));
    AppendJoinedRecords(r.records, r.chunk, body);
    body.append(kRecordsBodyEnd);
    benchmark::DoNotOptimize(body);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerRequest);
}
BENCHMARK(BM_UpdateBodyInOnePass);

}  // namespace
}  // namespace pinsync::pinterest

BENCHMARK_MAIN();
