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

  // Decodes into `event`, which the caller reuses from message to message: the implementation
  // clears it first and refills it, keeping its buffers, so a warm consumer thread allocates
  // nothing per message. `event` is meaningful only when the status is ok.
  virtual DecodeStatus DecodeInto(std::string_view key, std::string_view value,
                                  MembershipEvent& event) = 0;

  // A fresh event per call (tests, tools).
  DecodeResult Decode(std::string_view key, std::string_view value) {
    MembershipEvent event;
    DecodeStatus status = DecodeInto(key, value, event);
    return DecodeResult(std::move(status), std::move(event));
  }

 protected:
  // DecodeInto for a decoder that builds a fresh event anyway (the DOM-based formats copy their
  // strings out of the document): moves it into the caller's.
  static DecodeStatus MoveInto(DecodeResult result, MembershipEvent& event) {
    if (result.ok()) event = std::move(result.value());
    return result.status();
  }
};

}  // namespace pinsync::decode
