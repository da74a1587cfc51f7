#pragma once
// Deterministic hashed identifiers for the aggregator tests.

#include <cstdint>
#include <cstring>

#include "pinsync/common/model.h"

namespace pinsync::aggregate::testing {

// A 32-byte id whose bytes spell out n (spread so prefixes differ, like real hashes).
inline HashedId Id(uint64_t n, uint8_t length = 32) {
  HashedId id;
  id.length = length;
  uint64_t x = n * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < length; i += 8) {
    const size_t take = length - i < 8 ? length - i : 8;
    std::memcpy(id.bytes.data() + i, &x, take);
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  }
  return id;
}

}  // namespace pinsync::aggregate::testing
