// Fuzzes EventDecoder::Decode: any bytes must yield an event or a typed error (never a crash, a
// sanitizer report or an exception), and what it returns must satisfy the contract's invariants.
// DecodeInto (the consumer thread's path) decodes every input into one event reused across
// inputs, and must give exactly what a fresh Decode gives, whatever the inputs before it held.
// The decoder reads with simdjson first and RapidJSON for what simdjson rejects; a decoder using
// the RapidJSON reference alone must give exactly the same result on every input.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pinsync/decode/event_decoder.h"
#include "utf8.h"

namespace {

using pinsync::decode::DecodeErrc;
using pinsync::decode::EventDecoder;
using pinsync::decode::JsonParsers;
using pinsync::decode::MembershipEvent;

void Require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that broke the invariant
}

void CheckEvent(const MembershipEvent& e) {
  Require(!e.audience_id.empty() && !e.audience_name.empty() && !e.user_id.empty());
  Require(pinsync::decode::IsValidUtf8(e.audience_id));
  Require(pinsync::decode::IsValidUtf8(e.audience_name));
  Require(pinsync::decode::IsValidUtf8(e.user_id));
  Require(!e.identifiers.empty());
  Require(!e.ts_ms || *e.ts_ms >= 0);
  for (const auto* list : {&e.identifiers.email, &e.identifiers.idfa, &e.identifiers.gaid,
                           &e.identifiers.email_sha256, &e.identifiers.maid_sha256}) {
    for (const auto& id : *list) Require(!id.empty() && pinsync::decode::IsValidUtf8(id));
  }
}

bool SameEvent(const MembershipEvent& a, const MembershipEvent& b) {
  const auto& x = a.identifiers;
  const auto& y = b.identifiers;
  return a.audience_id == b.audience_id && a.audience_name == b.audience_name &&
         a.user_id == b.user_id && a.op == b.op && a.ts_ms == b.ts_ms && x.email == y.email &&
         x.idfa == y.idfa && x.gaid == y.gaid && x.email_sha256 == y.email_sha256 &&
         x.maid_sha256 == y.maid_sha256;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const EventDecoder decoder;             // default 1 MiB limit
  static const EventDecoder small_decoder(256);  // reaches too_large on short inputs
  static const EventDecoder reference(pinsync::decode::kDefaultMaxMessageBytes, nullptr,
                                      JsonParsers::kRapidJsonOnly);
  const std::string_view value(reinterpret_cast<const char*>(data), size);

  auto keyed = decoder.Decode("user-key", value);
  auto unkeyed = decoder.Decode("", value);
  auto small = small_decoder.Decode("user-key", value);
  auto by_reference = reference.Decode("user-key", value);
  Require(by_reference.ok() == keyed.ok());
  if (keyed.ok()) {
    Require(SameEvent(*by_reference, *keyed));
  } else {
    Require(by_reference.error().code == keyed.error().code &&
            by_reference.error().detail == keyed.error().detail);
  }
  static MembershipEvent reused;  // carries whatever the previous inputs left in it
  auto reused_status = decoder.DecodeInto("user-key", value, reused);
  Require(reused_status.ok() == keyed.ok());
  if (keyed.ok()) {
    Require(SameEvent(reused, *keyed));
  } else {
    Require(reused_status.error().code == keyed.error().code &&
            reused_status.error().detail == keyed.error().detail);
  }

  if (keyed.ok()) {
    CheckEvent(*keyed);
    // Without a key only the user id fallback can fail.
    Require(unkeyed.ok() || unkeyed.error().code == DecodeErrc::kMissingField);
  } else {
    Require(!keyed.error().detail.empty());
    Require(Reason(keyed.error().code) != "unknown");
    Require(!unkeyed.ok());
  }
  if (unkeyed.ok()) CheckEvent(*unkeyed);
  // The size limit is checked first and nothing else depends on it.
  if (size + 8 > 256) {
    Require(!small.ok() && small.error().code == DecodeErrc::kTooLarge);
  } else {
    Require(small.ok() == keyed.ok());
  }
  return 0;
}
