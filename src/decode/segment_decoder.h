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
  DecodeResult Decode(std::string_view key, std::string_view value) override;

 private:
  size_t max_message_bytes_;
};

}  // namespace pinsync::decode
