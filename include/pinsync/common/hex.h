#pragma once
// Lowercase hex of bytes: the form Pinterest receives hashed identifiers in (a request's records,
// HashedId::Hex) and the form the registry's key ids take. One table read per byte, not two.

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace pinsync {

// The two lowercase hex digits of every byte value.
inline constexpr std::array<std::array<char, 2>, 256> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<std::array<char, 2>, 256> pairs{};
  for (size_t b = 0; b < 256; ++b) pairs[b] = {kDigits[b >> 4], kDigits[b & 0xf]};
  return pairs;
}();

// Writes 2 * bytes.size() characters at `out` and returns the end of what it wrote.
inline char* WriteHex(std::span<const uint8_t> bytes, char* out) {
  for (const uint8_t b : bytes) {
    *out++ = kHexPairs[b][0];
    *out++ = kHexPairs[b][1];
  }
  return out;
}

inline std::string ToHex(std::span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2, '0');
  WriteHex(bytes, out.data());
  return out;
}

}  // namespace pinsync
