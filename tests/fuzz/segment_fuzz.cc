// Fuzzes the Segment Engage decoder: any bytes yield an event, a typed rejection or a skip (never
// a crash or a sanitizer report), and an event satisfies the contract's invariants.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decoded_event_checks.h"
#include "pinsync/decode/decoder_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto decoder = [] {
    pinsync::config::InputConfig input;
    input.topic = "engage";
    input.format = pinsync::config::InputFormat::kSegment;
    return pinsync::decode::MakeDecoder(input, pinsync::config::Config{});
  }();
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  pinsync::fuzz::CheckOutcome(decoder->Decode("user-key", value));
  pinsync::fuzz::CheckOutcome(decoder->Decode("", value));
  return 0;
}
