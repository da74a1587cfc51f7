// The consumer thread's hot path before aggregation: decode + normalize/hash one event, and
// hashing alone per algorithm. Items are events (or identifiers for the hashing benchmarks).

#include <string>

#include <benchmark/benchmark.h>

#include "pinsync/decode/event_decoder.h"
#include "pinsync/identity/hashing.h"
#include "pinsync/identity/identifier_normalizer.h"

namespace {

using pinsync::HashAlgorithm;

// A typical event: one email and one MAID.
constexpr std::string_view kTypicalEvent =
    R"({"audience_id":"vip","audience_name":"VIP shoppers","op":"add","user_id":"u-1700042",)"
    R"("identifiers":{"email":["Ann.Smith@Example.com"],)"
    R"("gaid":"38400000-8cf0-11bd-b23e-10b96e40000d"},"ts":1732300000000})";

void BM_Decode(benchmark::State& state) {
  const pinsync::decode::EventDecoder decoder;
  for (auto _ : state) {
    auto event = decoder.Decode("u-1700042", kTypicalEvent);
    benchmark::DoNotOptimize(event);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kTypicalEvent.size()));
}
BENCHMARK(BM_Decode);

// The consumer thread's path: into one reused event, with either JSON reader (issue 10,
// fourteenth pass: simdjson first, RapidJSON for what it rejects; or the reference alone).
void BM_DecodeInto(benchmark::State& state) {
  const auto parsers = static_cast<pinsync::decode::JsonParsers>(state.range(0));
  const pinsync::decode::EventDecoder decoder(pinsync::decode::kDefaultMaxMessageBytes, nullptr,
                                              parsers);
  pinsync::decode::MembershipEvent event;
  for (auto _ : state) {
    auto status = decoder.DecodeInto("u-1700042", kTypicalEvent, event);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(event);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(parsers == pinsync::decode::JsonParsers::kSimdjsonFirst ? "simdjson first"
                                                                         : "rapidjson only");
}
BENCHMARK(BM_DecodeInto)->Arg(0)->Arg(1);

void BM_Normalize(benchmark::State& state) {
  const pinsync::decode::EventDecoder decoder;
  const auto event = decoder.Decode("u-1700042", kTypicalEvent);
  const pinsync::identity::IdentifierNormalizer normalizer(HashAlgorithm::kSha256);
  for (auto _ : state) {
    auto hashed = normalizer.Normalize(event->identifiers);
    benchmark::DoNotOptimize(hashed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normalize);

void BM_DecodeAndNormalize(benchmark::State& state) {
  const pinsync::decode::EventDecoder decoder;
  const pinsync::identity::IdentifierNormalizer normalizer(
      static_cast<HashAlgorithm>(state.range(0)));
  for (auto _ : state) {
    auto event = decoder.Decode("u-1700042", kTypicalEvent);
    auto hashed = normalizer.Normalize(event->identifiers);
    benchmark::DoNotOptimize(hashed);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(pinsync::ToString(static_cast<HashAlgorithm>(state.range(0)))));
}
BENCHMARK(BM_DecodeAndNormalize)->DenseRange(0, 2);

void BM_HashEmail(benchmark::State& state) {
  const auto algorithm = static_cast<HashAlgorithm>(state.range(0));
  for (auto _ : state) {
    auto id = pinsync::identity::HashEmail("Ann.Smith@Example.com", algorithm);
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(pinsync::ToString(algorithm)));
}
BENCHMARK(BM_HashEmail)->DenseRange(0, 2);

void BM_Digest(benchmark::State& state) {
  const auto algorithm = static_cast<HashAlgorithm>(state.range(0));
  for (auto _ : state) {
    auto id = pinsync::identity::Digest("ann.smith@example.com", algorithm);
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(pinsync::ToString(algorithm)));
}
BENCHMARK(BM_Digest)->DenseRange(0, 2);

void BM_ParseSha256Hex(benchmark::State& state) {
  for (auto _ : state) {
    auto id = pinsync::identity::ParseSha256Hex(
        "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476");
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSha256Hex);

}  // namespace

BENCHMARK_MAIN();
