#pragma once
// Normalizer metrics. Labels are list types and the fixed IdentifierErrc reasons only.

#include <array>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "pinsync/identity/identifier_error.h"

namespace pinsync::identity {

// Threading: one consumer thread counts and publishes; prometheus scrapes the counters.
struct IdentityStats {
  prometheus::Counter& hashed_email;  // pinsync_identifiers_hashed_total{list_type="EMAIL"}
  prometheus::Counter& hashed_maid;   // pinsync_identifiers_hashed_total{list_type="MAID"}
  prometheus::Counter& duplicates;    // pinsync_identifiers_duplicate_total
  // pinsync_identifiers_invalid_total{reason}, indexed by IdentifierErrc.
  std::array<prometheus::Counter*, std::size(kAllIdentifierErrcs)> invalid{};

  // Hashed identifiers not yet added to hashed_email / hashed_maid: every message has some, so
  // they are tallied here and published by Publish(), once per poll batch
  // (SyncPipeline::UpdateGauges), rather than paying an atomic update per message. Duplicates
  // and invalid identifiers are rare and counted at once.
  uint64_t unpublished_email = 0;
  uint64_t unpublished_maid = 0;

  void CountHashed(size_t emails, size_t maids) {
    unpublished_email += emails;
    unpublished_maid += maids;
  }
  void Publish() {
    if (unpublished_email != 0) hashed_email.Increment(static_cast<double>(unpublished_email));
    if (unpublished_maid != 0) hashed_maid.Increment(static_cast<double>(unpublished_maid));
    unpublished_email = 0;
    unpublished_maid = 0;
  }
  void CountInvalid(IdentifierErrc code, double n = 1) {
    invalid[static_cast<size_t>(code)]->Increment(n);
  }

  static IdentityStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::identity
