#pragma once
// The native format (docs/events.md) behind the MessageDecoder seam.

#include "pinsync/decode/event_decoder.h"
#include "pinsync/decode/message_decoder.h"

namespace pinsync::decode {

class NativeDecoder final : public MessageDecoder {
 public:
  explicit NativeDecoder(size_t max_message_bytes) : decoder_(max_message_bytes) {}
  DecodeStatus DecodeInto(std::string_view key, std::string_view value,
                          MembershipEvent& event) override {
    auto status = decoder_.DecodeInto(key, value, event);
    if (!status.ok()) return Unexpected{status.error()};
    return {};
  }

 private:
  EventDecoder decoder_;  // uncounted: DecoderSet counts every format once
};

}  // namespace pinsync::decode
