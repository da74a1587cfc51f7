#pragma once
// Turns one Kafka message (key = user id, value = JSON object) into a MembershipEvent.
// The contract is docs/events.md. Never throws; any input yields an event or a DecodeError.

#include <cstddef>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/decoder_stats.h"
#include "pinsync/decode/membership_event.h"

namespace pinsync::decode {

inline constexpr size_t kDefaultMaxMessageBytes = size_t{1} << 20;

class EventDecoder {
 public:
  // stats may be null (tests, tools); when set, every Decode counts its outcome.
  explicit EventDecoder(size_t max_message_bytes = kDefaultMaxMessageBytes,
                        DecoderStats* stats = nullptr);

  Result<MembershipEvent, DecodeError> Decode(std::string_view key, std::string_view value) const;
  // Into a reused event (cleared first, its buffers kept): no allocation per message once warm.
  // `event` is meaningful only on success.
  Status<DecodeError> DecodeInto(std::string_view key, std::string_view value,
                                 MembershipEvent& event) const;

  size_t max_message_bytes() const { return max_message_bytes_; }

 private:
  Status<DecodeError> DecodeUncounted(std::string_view key, std::string_view value,
                                      MembershipEvent& event) const;

  size_t max_message_bytes_;
  DecoderStats* stats_;
};

}  // namespace pinsync::decode
