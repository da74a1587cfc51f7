#pragma once
// Turns an event's raw identifiers into hashes for the EMAIL and MAID lists. Invalid identifiers
// are dropped and counted; the valid ones of the same event still count; duplicates collapse.

#include "pinsync/common/model.h"
#include "pinsync/decode/membership_event.h"
#include "pinsync/identity/identity_stats.h"
#include "pinsync/identity/normalized_identifiers.h"

namespace pinsync::identity {

class IdentifierNormalizer {
 public:
  // stats may be null; when set, every Normalize counts hashes, drops and duplicates.
  explicit IdentifierNormalizer(HashAlgorithm algorithm = HashAlgorithm::kSha256,
                                IdentityStats* stats = nullptr);

  // Pre-hashed email_sha256 / maid_sha256 pass through as SHA-256 whatever the algorithm.
  NormalizedIdentifiers Normalize(const decode::RawIdentifiers& raw) const;
  // The same into `out`, replacing what it held but keeping its vectors' storage: a caller on the
  // hot path reuses one `out` for every message instead of allocating two vectors each time.
  void Normalize(const decode::RawIdentifiers& raw, NormalizedIdentifiers& out) const;

  HashAlgorithm algorithm() const { return algorithm_; }

 private:
  HashAlgorithm algorithm_;
  IdentityStats* stats_;
};

}  // namespace pinsync::identity
