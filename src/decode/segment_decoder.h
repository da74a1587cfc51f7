#pragma once
// Segment Engage audience calls (docs/events.md, "Segment Engage"): an identify whose trait named
// by the audience key is true (entered) or false (exited), or a track "Audience Entered" /
// "Audience Exited". Other Segment calls are skipped, not rejected.

#include <cstddef>

#include "pinsync/decode/message_decoder.h"

namespace pinsync::decode {

class SegmentDecoder final : public MessageDecoder {
 public:
  explicit SegmentDecoder(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}
  DecodeStatus DecodeInto(std::string_view key, std::string_view value,
                          MembershipEvent& event) override;

 private:
  // Builds a new event (this format parses a DOM, whose strings are copied out anyway).
  DecodeResult DecodeFresh(std::string_view key, std::string_view value);
  size_t max_message_bytes_;
};

}  // namespace pinsync::decode
