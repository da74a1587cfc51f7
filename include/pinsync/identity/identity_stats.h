#pragma once
// Normalizer metrics. Labels are list types and the fixed IdentifierErrc reasons only.

#include <array>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "pinsync/identity/identifier_error.h"

namespace pinsync::identity {

struct IdentityStats {
  prometheus::Counter& hashed_email;  // pinsync_identifiers_hashed_total{list_type="EMAIL"}
  prometheus::Counter& hashed_maid;   // pinsync_identifiers_hashed_total{list_type="MAID"}
  prometheus::Counter& duplicates;    // pinsync_identifiers_duplicate_total
  // pinsync_identifiers_invalid_total{reason}, indexed by IdentifierErrc.
  std::array<prometheus::Counter*, std::size(kAllIdentifierErrcs)> invalid{};

  void CountInvalid(IdentifierErrc code, double n = 1) {
    invalid[static_cast<size_t>(code)]->Increment(n);
  }

  static IdentityStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::identity
