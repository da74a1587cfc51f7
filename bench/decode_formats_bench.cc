// Decode rate per input format (docs/events.md), through DecoderSet as the pipeline calls it:
// the same membership change (one email, one mobile id) in each format, then the demo's whole
// generated stream in each format it publishes. Items are messages.

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "pinsync/decode/decoder_set.h"
#include "pinsync/demo/membership_stream.h"

namespace {

constexpr std::string_view kNative =
    R"({"audience_id":"vip","audience_name":"VIP shoppers","op":"add","user_id":"u-1700042",)"
    R"("identifiers":{"email":["Ann.Smith@Example.com"],)"
    R"("gaid":"38400000-8cf0-11bd-b23e-10b96e40000d"},"ts":1732300000000})";

// What Engage sends: the identify call with Segment's usual context around it.
constexpr std::string_view kSegment =
    R"({"type":"identify","userId":"u-1700042","messageId":"personas_2Nq4Lr1x",)"
    R"("timestamp":"2026-11-30T10:00:00.000Z","traits":{"email":"Ann.Smith@Example.com",)"
    R"("vip":true},"context":{"library":{"name":"unknown","version":"unknown"},)"
    R"("personas":{"computation_class":"audience","computation_id":"aud_2Nq4Lr1",)"
    R"("computation_key":"vip","namespace":"spa_9x","space_id":"spa_9x"},)"
    R"("device":{"type":"android","advertisingId":"38400000-8cf0-11bd-b23e-10b96e40000d"}},)"
    R"("integrations":{"All":false,"Kafka":true},"type_version":"1"})";

constexpr std::string_view kSegmentPlainIdentify =
    R"({"type":"identify","userId":"u-1700042","traits":{"email":"Ann.Smith@Example.com",)"
    R"("plan":"pro"},"context":{"library":{"name":"analytics.js","version":"4.1.0"}}})";

constexpr std::string_view kMapped =
    R"({"segment":{"id":4711,"name":"VIP shoppers"},"action":"joined","at":1732300000000,)"
    R"("customer":{"id":"u-1700042","emails":["Ann.Smith@Example.com"]},)"
    R"("devices":{"android":"38400000-8cf0-11bd-b23e-10b96e40000d"}})";

pinsync::config::Config FormatsConfig() {
  pinsync::config::Config c;
  c.kafka.topics = {"native"};
  pinsync::config::InputConfig segment;
  segment.topic = "segment";
  segment.format = pinsync::config::InputFormat::kSegment;
  pinsync::config::InputConfig mapped;
  mapped.topic = "mapped";
  mapped.format = pinsync::config::InputFormat::kMapped;
  mapped.mapping.audience_id = "/segment/id";
  mapped.mapping.audience_name = "/segment/name";
  mapped.mapping.user_id = "/customer/id";
  mapped.mapping.ts = "/at";
  mapped.mapping.op = "/action";
  mapped.mapping.add_values = {"joined"};
  mapped.mapping.remove_values = {"left"};
  mapped.mapping.email = "/customer/emails";
  mapped.mapping.gaid = "/devices/android";
  c.inputs = {segment, mapped};
  return c;
}

void DecodeTopic(benchmark::State& state, std::string_view topic, std::string_view value) {
  const pinsync::config::Config config = FormatsConfig();
  pinsync::decode::DecoderSet decoders(config);
  if (auto probe = decoders.Decode(topic, "u-1700042", value); probe.rejected()) {
    state.SkipWithError(probe.error().detail.c_str());
    return;
  }
  for (auto _ : state) {
    auto result = decoders.Decode(topic, "u-1700042", value);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(value.size()));
}

// The native event's fields as an Avro record (the schema of docs/events.md), id 1.
class OneSchema final : public pinsync::decode::SchemaSource {
 public:
  pinsync::Result<std::string, pinsync::decode::RegistryError> FetchSchema(int32_t) override {
    return std::string(
        R"({"type":"record","name":"Membership","fields":[{"name":"audience_id","type":"string"},)"
        R"({"name":"audience_name","type":["null","string"]},{"name":"op","type":{"type":"enum",)"
        R"("name":"Op","symbols":["add","remove"]}},{"name":"user_id","type":["null","string"]},)"
        R"({"name":"ts","type":["null","long"]},{"name":"identifiers","type":{"type":"record",)"
        R"("name":"Ids","fields":[{"name":"email","type":{"type":"array","items":"string"}},)"
        R"({"name":"gaid","type":["null","string"]}]}}]})");
  }
};

std::string AvroString(std::string_view s) {
  std::string out(1, static_cast<char>(s.size() * 2));  // zigzag varint, for sizes below 64
  return out.append(s);
}

std::string AvroMembership() {
  std::string v("\0\0\0\0\1", 5);  // magic 0, schema id 1
  v += AvroString("vip");
  v += '\2' + AvroString("VIP shoppers");  // union branch 1
  v += '\0';                               // op: add
  v += '\2' + AvroString("u-1700042");
  v += '\2';
  for (char ch : {'\x80', '\xac', '\x82', '\xd2', '\xea', '\x64'}) v += ch;  // 1732300000000
  v += '\2' + AvroString("Ann.Smith@Example.com") + '\0';                    // one-item array
  v += '\2' + AvroString("38400000-8cf0-11bd-b23e-10b96e40000d");
  return v;
}

void BM_DecodeAvro(benchmark::State& state) {
  pinsync::config::InputConfig input;
  input.topic = "avro";
  input.format = pinsync::config::InputFormat::kAvro;
  auto decoder = pinsync::decode::MakeAvroDecoder(input, pinsync::config::Config{},
                                                  std::make_unique<OneSchema>());
  const std::string value = AvroMembership();
  if (auto probe = decoder->Decode("k", value); !probe.ok()) {
    state.SkipWithError(probe.rejected() ? probe.error().detail.c_str() : "skipped");
    return;
  }
  for (auto _ : state) {
    auto result = decoder->Decode("u-1700042", value);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(value.size()));
}

// The demo's generated stream in one format: messy identifiers, removes, one or two mobile ids,
// 0.5% malformed messages (and for Segment 2% identify calls about other traits), as a topic
// carries them. Decoded round-robin from 20,000 pre-generated messages.
class DemoSchema final : public pinsync::decode::SchemaSource {
 public:
  pinsync::Result<std::string, pinsync::decode::RegistryError> FetchSchema(int32_t id) override {
    if (id != 1) {
      return pinsync::Unexpected{pinsync::decode::RegistryError{
          pinsync::decode::RegistryError::Kind::kUnknownSchema, "only id 1"}};
    }
    return std::string(pinsync::demo::MembershipAvroSchema());
  }
};

void BM_DecodeStream(benchmark::State& state) {
  const auto format = static_cast<pinsync::demo::EventFormat>(state.range(0));
  state.SetLabel(std::string(pinsync::demo::ToString(format)));
  pinsync::demo::MembershipStream stream(
      {.events = 20'000, .audiences = 8, .format = format, .avro_schema_id = 1});
  std::vector<pinsync::demo::GeneratedMessage> messages;
  while (auto message = stream.Next()) messages.push_back(std::move(*message));

  pinsync::config::InputConfig input;
  input.topic = "stream";
  input.format =
      format == pinsync::demo::EventFormat::kSegment ? pinsync::config::InputFormat::kSegment
      : format == pinsync::demo::EventFormat::kAvro  ? pinsync::config::InputFormat::kAvro
                                                     : pinsync::config::InputFormat::kNative;
  const pinsync::config::Config config;
  auto decoder =
      format == pinsync::demo::EventFormat::kAvro
          ? pinsync::decode::MakeAvroDecoder(input, config, std::make_unique<DemoSchema>())
          : pinsync::decode::MakeDecoder(input, config);
  size_t next = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const auto& message = messages[next];
    next = next + 1 == messages.size() ? 0 : next + 1;
    auto result = decoder->Decode(message.key, message.value);
    benchmark::DoNotOptimize(result);
    bytes += static_cast<int64_t>(message.value.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_DecodeNative(benchmark::State& state) { DecodeTopic(state, "native", kNative); }
void BM_DecodeSegment(benchmark::State& state) { DecodeTopic(state, "segment", kSegment); }
void BM_DecodeSegmentSkipped(benchmark::State& state) {
  DecodeTopic(state, "segment", kSegmentPlainIdentify);
}
void BM_DecodeMapped(benchmark::State& state) { DecodeTopic(state, "mapped", kMapped); }

BENCHMARK(BM_DecodeNative);
BENCHMARK(BM_DecodeSegment);
BENCHMARK(BM_DecodeSegmentSkipped);
BENCHMARK(BM_DecodeMapped);
BENCHMARK(BM_DecodeAvro);
BENCHMARK(BM_DecodeStream)
    ->ArgName("format")
    ->Arg(static_cast<int>(pinsync::demo::EventFormat::kNative))
    ->Arg(static_cast<int>(pinsync::demo::EventFormat::kSegment))
    ->Arg(static_cast<int>(pinsync::demo::EventFormat::kAvro));

}  // namespace

BENCHMARK_MAIN();
