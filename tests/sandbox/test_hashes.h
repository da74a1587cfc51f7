#pragma once
// Deterministic, distinct lowercase-hex hashes for sandbox tests.

#include <cstdio>
#include <string>
#include <vector>

namespace pinsync::sandbox::testing {

// A 64-character (SHA-256 shaped) hex string made from n.
inline std::string Sha256Hex(unsigned n) {
  char buffer[65];
  std::snprintf(buffer, sizeof buffer, "%056x%08x", 0xabcu, n);
  return std::string(buffer, 64);
}

inline std::vector<std::string> Sha256Hexes(unsigned first, unsigned count) {
  // Built in place: GCC 12 at -O2 reports a false -Warray-bounds on moving the temporary in
  // (GCC bug 105329's family) when this is inlined into a unity build's larger function.
  std::vector<std::string> out(count);
  for (unsigned i = 0; i < count; ++i) out[i] = Sha256Hex(first + i);
  return out;
}

inline std::string JoinRecords(const std::vector<std::string>& hexes) {
  std::string out;
  for (const auto& h : hexes) {
    if (!out.empty()) out += ',';
    out += h;
  }
  return out;
}

}  // namespace pinsync::sandbox::testing
