#pragma once
// Why an identifier was dropped. The reason strings are stable: they label metrics and, when an
// event has no valid identifier left, the dead-letter header.

#include <string_view>

namespace pinsync::identity {

enum class IdentifierErrc {
  kInvalidEmail,  // not a plausible email address
  kInvalidMaid,   // an IDFA/GAID that is not 8-4-4-4-12 hex (or is the all-zero opt-out id)
  kInvalidHash,   // a pre-hashed value that is not 64 hex characters
};

// "invalid_email", "invalid_maid", "invalid_hash".
std::string_view Reason(IdentifierErrc code);

inline constexpr IdentifierErrc kAllIdentifierErrcs[] = {
    IdentifierErrc::kInvalidEmail, IdentifierErrc::kInvalidMaid, IdentifierErrc::kInvalidHash};

// The reason for an event with no identifier at all.
inline constexpr std::string_view kNoIdentifiersReason = "no_identifiers";

}  // namespace pinsync::identity
