#pragma once
// One hash of a hashed identifier's bytes, shared by the aggregator's record index and the
// delivery engine's acknowledgement bookkeeping. All 32 bytes are mixed (absl::HashOf, seeded per
// process): pre-hashed identifiers come from outside, and hashing only a prefix would let crafted
// inputs collide. Bytes past `length` must be zero for equal identifiers to hash equal.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <absl/hash/hash.h>

namespace pinsync {

inline size_t HashIdBytes(const std::array<uint8_t, 32>& bytes, uint8_t length) {
  uint64_t w[4];
  static_assert(sizeof w == sizeof bytes);
  std::memcpy(w, bytes.data(), sizeof w);
  return absl::HashOf(w[0], w[1], w[2], w[3], length);
}

}  // namespace pinsync
