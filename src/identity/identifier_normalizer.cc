#include "pinsync/identity/identifier_normalizer.h"

#include <algorithm>

#include <absl/container/flat_hash_set.h>

#include "pinsync/identity/hashing.h"

namespace pinsync::identity {

namespace {

// Above this many hashes in one list a set beats the quadratic scan; a 1 MiB message can carry
// tens of thousands of identifiers, and a quadratic dedup would stall the consumer thread.
constexpr size_t kLinearDedupLimit = 16;

// Removes repeats, keeping the first occurrence and the order; returns how many were removed.
uint32_t CollapseDuplicates(std::vector<HashedId>& ids) {
  const size_t before = ids.size();
  if (before <= kLinearDedupLimit) {
    auto end = ids.begin();
    for (auto it = ids.begin(); it != ids.end(); ++it) {
      if (std::find(ids.begin(), end, *it) == end) *end++ = *it;
    }
    ids.erase(end, ids.end());
  } else {
    absl::flat_hash_set<HashedId> seen;
    seen.reserve(before);
    std::erase_if(ids, [&seen](const HashedId& id) { return !seen.insert(id).second; });
  }
  return static_cast<uint32_t>(before - ids.size());
}

class Accumulator {
 public:
  explicit Accumulator(NormalizedIdentifiers& out) : out_(out) {}

  void Add(const Result<HashedId, IdentifierErrc>& hashed, std::vector<HashedId>& list) {
    if (hashed.ok()) {
      list.push_back(hashed.value());
      return;
    }
    switch (hashed.error()) {
      case IdentifierErrc::kInvalidEmail:
        ++out_.invalid_email;
        break;
      case IdentifierErrc::kInvalidMaid:
        ++out_.invalid_maid;
        break;
      case IdentifierErrc::kInvalidHash:
        ++out_.invalid_hash;
        break;
    }
    if (!out_.first_invalid) out_.first_invalid = hashed.error();
  }

 private:
  NormalizedIdentifiers& out_;
};

}  // namespace

IdentifierNormalizer::IdentifierNormalizer(HashAlgorithm algorithm, IdentityStats* stats)
    : algorithm_(algorithm), stats_(stats) {}

NormalizedIdentifiers IdentifierNormalizer::Normalize(const decode::RawIdentifiers& raw) const {
  NormalizedIdentifiers out;
  Normalize(raw, out);
  return out;
}

void IdentifierNormalizer::Normalize(const decode::RawIdentifiers& raw,
                                     NormalizedIdentifiers& out) const {
  out.email.clear();
  out.maid.clear();
  out.invalid_email = 0;
  out.invalid_maid = 0;
  out.invalid_hash = 0;
  out.duplicates = 0;
  out.first_invalid.reset();
  out.email.reserve(raw.email.size() + raw.email_sha256.size());
  out.maid.reserve(raw.idfa.size() + raw.gaid.size() + raw.maid_sha256.size());
  Accumulator acc(out);
  for (const auto& email : raw.email) acc.Add(HashEmail(email, algorithm_), out.email);
  for (const auto& hex : raw.email_sha256) acc.Add(ParseSha256Hex(hex), out.email);
  for (const auto& idfa : raw.idfa) acc.Add(HashMaid(idfa, algorithm_), out.maid);
  for (const auto& gaid : raw.gaid) acc.Add(HashMaid(gaid, algorithm_), out.maid);
  for (const auto& hex : raw.maid_sha256) acc.Add(ParseSha256Hex(hex), out.maid);
  out.duplicates = CollapseDuplicates(out.email) + CollapseDuplicates(out.maid);

  if (stats_ != nullptr) {
    stats_->CountHashed(out.email.size(), out.maid.size());
    if (out.duplicates > 0) stats_->duplicates.Increment(out.duplicates);
    if (out.invalid_email > 0)
      stats_->CountInvalid(IdentifierErrc::kInvalidEmail, out.invalid_email);
    if (out.invalid_maid > 0) stats_->CountInvalid(IdentifierErrc::kInvalidMaid, out.invalid_maid);
    if (out.invalid_hash > 0) stats_->CountInvalid(IdentifierErrc::kInvalidHash, out.invalid_hash);
  }
}

}  // namespace pinsync::identity
