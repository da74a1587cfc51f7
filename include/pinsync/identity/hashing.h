#pragma once
// Normalize-and-hash for single identifiers. Plaintext is normalized in a stack buffer that is
// wiped after hashing; only the hash leaves these functions.

#include <string_view>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/identity/identifier_error.h"

namespace pinsync::identity {

// Longest accepted email (RFC 5321 path limit); longer input is kInvalidEmail.
inline constexpr size_t kMaxEmailLength = 254;

// Trim ASCII whitespace, lowercase ASCII, require a plausible address (exactly one '@', non-empty
// local part, a domain containing a dot that neither starts nor ends it, no space or control
// character), then hash the normalized text.
Result<HashedId, IdentifierErrc> HashEmail(std::string_view email, HashAlgorithm algorithm);

// Trim, lowercase, require 8-4-4-4-12 hex digits and not the all-zero id (what iOS reports when
// tracking is denied: it would merge every opted-out user into one), then hash the normalized text.
Result<HashedId, IdentifierErrc> HashMaid(std::string_view maid, HashAlgorithm algorithm);

// A pre-hashed SHA-256: trim, require exactly 64 hex digits (any case), decode to 32 raw bytes.
Result<HashedId, IdentifierErrc> ParseSha256Hex(std::string_view hex);

// The digest of bytes as a HashedId (32, 20 or 16 bytes). Exposed for tests and benchmarks.
HashedId Digest(std::string_view bytes, HashAlgorithm algorithm);

// Whether OpenSSL provides the algorithm (MD5 is missing under a FIPS-only provider). Call at
// start-up: hashing with an unavailable algorithm later is a fatal error.
Status<> CheckHashAlgorithm(HashAlgorithm algorithm);

}  // namespace pinsync::identity
