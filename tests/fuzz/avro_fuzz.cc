// Fuzzes the Avro decoder: the input is the message value (Confluent header + datum), decoded
// against fixed schemas (ids 1-3: the documented membership record, a recursive record, a map
// of arrays). Any bytes yield an event or a typed rejection, never a crash or a sanitizer report.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "avro_decoder.h"
#include "decoded_event_checks.h"

namespace {

class FixedSchemas final : public pinsync::decode::SchemaSource {
 public:
  pinsync::Result<std::string, pinsync::decode::RegistryError> FetchSchema(int32_t id) override {
    switch (id) {
      case 1:
        return std::string(
            R"({"type":"record","name":"Membership","fields":[{"name":"audience_id","type":"string"},)"
            R"({"name":"audience_name","type":["null","string"]},{"name":"op","type":{"type":"enum",)"
            R"("name":"Op","symbols":["add","remove"]}},{"name":"user_id","type":["null","string"]},)"
            R"({"name":"ts","type":["null","long"]},{"name":"identifiers","type":{"type":"record",)"
            R"("name":"Ids","fields":[{"name":"email","type":{"type":"array","items":"string"}},)"
            R"({"name":"gaid","type":["null","string"]}]}}]})");
      case 2:
        return std::string(
            R"({"type":"record","name":"Node","fields":[{"name":"audience_id","type":"string"},)"
            R"({"name":"next","type":["null","Node"]}]})");
      case 3:
        return std::string(
            R"({"type":"record","name":"M","fields":[{"name":"identifiers","type":{"type":"map",)"
            R"("values":{"type":"array","items":"string"}}},{"name":"audience_id","type":"long"},)"
            R"({"name":"op","type":"string"},{"name":"b","type":"bytes"},{"name":"f","type":)"
            R"({"type":"fixed","name":"F","size":4}},{"name":"d","type":"double"}]})");
      default:
        return pinsync::Unexpected{pinsync::decode::RegistryError{
            pinsync::decode::RegistryError::Kind::kUnknownSchema, "no such schema"}};
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto decoder = [] {
    pinsync::config::InputConfig input;
    input.topic = "avro";
    input.format = pinsync::config::InputFormat::kAvro;
    pinsync::config::Config config;
    config.kafka.max_message_bytes = 64 * 1024;
    return std::make_unique<pinsync::decode::AvroDecoder>(input, config,
                                                          std::make_unique<FixedSchemas>());
  }();
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  pinsync::fuzz::CheckOutcome(decoder->Decode("user-key", value));
  return 0;
}
