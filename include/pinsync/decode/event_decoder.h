#pragma once
// Turns one Kafka message (key = user id, value = JSON object) into a MembershipEvent.
// The contract is docs/events.md. Never throws; any input yields an event or a DecodeError.
//
// Two JSON readers, one result: simdjson reads what it accepts (nearly every message; decode is
// ~25% faster for it), RapidJSON reads the rest and is the reference for every error (see
// src/decode/simdjson_event_reader.h). Threading: a decoder may be shared by threads (each thread
// gets its own simdjson parser).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/decoder_stats.h"
#include "pinsync/decode/membership_event.h"

namespace pinsync::decode {

inline constexpr size_t kDefaultMaxMessageBytes = size_t{1} << 20;

// Which JSON readers a decoder uses. kRapidJsonOnly is the reference path alone, for tests and the
// fuzzer that check both paths give the same result.
enum class JsonParsers : uint8_t { kSimdjsonFirst, kRapidJsonOnly };

struct EventFields;

class EventDecoder {
 public:
  // stats may be null (tests, tools); when set, every Decode counts its outcome.
  explicit EventDecoder(size_t max_message_bytes = kDefaultMaxMessageBytes,
                        DecoderStats* stats = nullptr,
                        JsonParsers parsers = JsonParsers::kSimdjsonFirst);

  Result<MembershipEvent, DecodeError> Decode(std::string_view key, std::string_view value) const;
  // Into a reused event (cleared first, its buffers kept): no allocation per message once warm.
  // `event` is meaningful only on success.
  Status<DecodeError> DecodeInto(std::string_view key, std::string_view value,
                                 MembershipEvent& event) const;

  size_t max_message_bytes() const { return max_message_bytes_; }

 private:
  Status<DecodeError> DecodeUncounted(std::string_view key, std::string_view value,
                                      MembershipEvent& event) const;
  Status<DecodeError> DecodeWithRapidJson(std::string_view key, std::string_view value,
                                          MembershipEvent& event) const;
  // The contract's field rules, in the documented order, on what a reader collected. `escaped`:
  // the value held a backslash, so a string may hold an escaped lone surrogate.
  static Status<DecodeError> CheckFields(std::string_view key, const EventFields& fields,
                                         bool escaped, MembershipEvent& event);

  size_t max_message_bytes_;
  DecoderStats* stats_;
  JsonParsers parsers_;
};

}  // namespace pinsync::decode
