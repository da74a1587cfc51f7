#pragma once
// The hashed identifiers of one event, split by the customer list they go to.
// Holds no plaintext: only hashes and counts.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/identity/identifier_error.h"

namespace pinsync::identity {

struct NormalizedIdentifiers {
  std::vector<HashedId> email;  // to the audience's EMAIL list: email, email_sha256
  std::vector<HashedId> maid;   // to the audience's MAID list: idfa, gaid, maid_sha256
  uint32_t invalid_email = 0;
  uint32_t invalid_maid = 0;
  uint32_t invalid_hash = 0;
  uint32_t duplicates = 0;  // valid identifiers that collapsed into an earlier equal hash
  std::optional<IdentifierErrc> first_invalid;  // the first identifier dropped, in input order

  bool empty() const { return email.empty() && maid.empty(); }
  const std::vector<HashedId>& For(ListType list) const {
    return list == ListType::kEmail ? email : maid;
  }
  // For dead-lettering an event with nothing valid: the reason of the first invalid identifier
  // ("invalid_email", "invalid_maid", "invalid_hash"), or "no_identifiers" if none was invalid.
  std::string_view FirstInvalidReason() const {
    return first_invalid ? Reason(*first_invalid) : kNoIdentifiersReason;
  }
};

}  // namespace pinsync::identity
