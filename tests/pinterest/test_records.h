#pragma once
// Deterministic hashed ids and batches for the client's tests.

#include <set>
#include <string>
#include <vector>

#include "pinsync/aggregate/batch.h"

namespace pinsync::pinterest::testing {

// A distinct SHA-256-sized id for each n (bytes are not a real hash; only the shape matters).
inline HashedId IdFor(uint64_t n, uint8_t length = 32) {
  HashedId id;
  id.length = length;
  for (size_t i = 0; i < length; ++i) id.bytes[i] = static_cast<uint8_t>((n >> ((i % 8) * 8)) + i);
  return id;
}

inline std::vector<aggregate::BatchRecord> Records(uint64_t from, uint64_t count) {
  std::vector<aggregate::BatchRecord> out;
  for (uint64_t n = from; n < from + count; ++n) out.push_back({IdFor(n), 0});
  return out;
}

inline aggregate::Batch MakeBatch(uint64_t id, const std::string& account,
                                  const std::string& audience, ListType type,
                                  std::vector<aggregate::BatchRecord> adds,
                                  std::vector<aggregate::BatchRecord> removes = {}) {
  aggregate::Batch b;
  b.id = id;
  b.key = {account, audience, type};
  b.audience_name = audience;
  b.adds = std::move(adds);
  b.removes = std::move(removes);
  return b;
}

inline std::set<std::string> Hexes(const std::vector<aggregate::BatchRecord>& records) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(r.id.Hex());
  return out;
}

}  // namespace pinsync::pinterest::testing
