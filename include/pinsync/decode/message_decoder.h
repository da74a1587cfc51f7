#pragma once
// The decoder seam: one implementation per input format (docs/events.md), each turning one Kafka
// message into the same MembershipEvent. Implementations never throw; any input yields an event,
// a rejection or a skip. Decode runs on the consumer thread; an implementation may keep caches.

#include <string_view>

#include "pinsync/decode/decode_result.h"

namespace pinsync::decode {

class MessageDecoder {
 public:
  virtual ~MessageDecoder() = default;
  virtual DecodeResult Decode(std::string_view key, std::string_view value) = 0;
};

}  // namespace pinsync::decode
