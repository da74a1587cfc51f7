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
  std::vector<std::string> out;
  for (unsigned i = 0; i < count; ++i) out.push_back(Sha256Hex(first + i));
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
