// Fuzzes the mapped JSON decoder with a mapping that uses every field, array indexes and
// escapes: any bytes yield an event, a typed rejection or a skip, never a crash.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decoded_event_checks.h"
#include "pinsync/decode/decoder_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto decoders = [] {
    pinsync::config::InputConfig input;
    input.topic = "crm";
    input.format = pinsync::config::InputFormat::kMapped;
    pinsync::config::FieldMapping& m = input.mapping;
    m.audience_id = "/segment/id";
    m.audience_name = "/segment/name";
    m.user_id = "/customer/id";
    m.ts = "/at";
    m.op = "/action";
    m.add_values = {"joined"};
    m.remove_values = {"left"};
    m.email = "/customer/emails";
    m.idfa = "/devices/0";
    m.gaid = "/d~1g";
    m.email_sha256 = "/h~0e";
    pinsync::config::InputConfig flag = input;
    flag.mapping.op.clear();
    flag.mapping.member = "/in";
    return std::pair{pinsync::decode::MakeDecoder(input, pinsync::config::Config{}),
                     pinsync::decode::MakeDecoder(flag, pinsync::config::Config{})};
  }();
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  pinsync::fuzz::CheckOutcome(decoders.first->Decode("user-key", value));
  pinsync::fuzz::CheckOutcome(decoders.second->Decode("", value));
  return 0;
}
