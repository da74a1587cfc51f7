#pragma once
// Invariants every decoder's outcome satisfies, for the format fuzzers: an event has its
// required fields, valid UTF-8 everywhere and no empty identifier; a rejection has a detail.

#include <cstdlib>

#include "pinsync/decode/decode_result.h"
#include "utf8.h"

namespace pinsync::fuzz {

inline void Require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that broke the invariant
}

inline void CheckOutcome(const decode::DecodeResult& r) {
  if (r.skipped()) return;
  if (r.rejected()) {
    Require(!r.error().detail.empty());
    return;
  }
  const decode::MembershipEvent& e = *r;
  Require(!e.audience_id.empty() && !e.audience_name.empty() && !e.user_id.empty());
  Require(decode::IsValidUtf8(e.audience_id) && decode::IsValidUtf8(e.audience_name) &&
          decode::IsValidUtf8(e.user_id));
  Require(!e.identifiers.empty());
  Require(!e.ts_ms || *e.ts_ms >= 0);
  for (const auto* list : {&e.identifiers.email, &e.identifiers.idfa, &e.identifiers.gaid,
                           &e.identifiers.email_sha256, &e.identifiers.maid_sha256}) {
    for (const auto& id : *list) Require(!id.empty() && decode::IsValidUtf8(id));
  }
}

}  // namespace pinsync::fuzz
