#include "pinsync/identity/identity_stats.h"

#include <string>

#include <prometheus/family.h>

namespace pinsync::identity {

IdentityStats IdentityStats::Create(prometheus::Registry& registry) {
  auto& hashed = prometheus::BuildCounter()
                     .Name("pinsync_identifiers_hashed_total")
                     .Help("Valid identifiers hashed (or pre-hashed ones accepted), by list type")
                     .Register(registry);
  auto& duplicates = prometheus::BuildCounter()
                         .Name("pinsync_identifiers_duplicate_total")
                         .Help("Identifiers dropped because the same event already had that hash")
                         .Register(registry)
                         .Add({});
  auto& invalid = prometheus::BuildCounter()
                      .Name("pinsync_identifiers_invalid_total")
                      .Help("Identifiers dropped as invalid, by reason (see docs/events.md)")
                      .Register(registry);
  IdentityStats stats{hashed.Add({{"list_type", "EMAIL"}}),
                      hashed.Add({{"list_type", "MAID"}}),
                      duplicates,
                      {},
                      0,
                      0};
  for (IdentifierErrc code : kAllIdentifierErrcs) {
    stats.invalid[static_cast<size_t>(code)] =
        &invalid.Add({{"reason", std::string(Reason(code))}});
  }
  return stats;
}

}  // namespace pinsync::identity
