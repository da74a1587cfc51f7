#include "pinsync/sandbox/records.h"

#include <array>
#include <cstdint>
#include <string>

namespace pinsync::sandbox {
namespace {

// Lowercase hex digit values, -1 for anything else (uppercase included: Pinterest expects
// lowercase). A table keeps the per-character work branch-free: this is the sandbox's hot loop.
constexpr std::array<int8_t, 256> kHexValues = [] {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<int8_t>(c - 'a' + 10);
  return table;
}();

}  // namespace

std::optional<HashedId> ParseHexHash(std::string_view hex) {
  if (hex.size() != 32 && hex.size() != 40 && hex.size() != 64) return std::nullopt;
  HashedId id;
  id.length = static_cast<uint8_t>(hex.size() / 2);
  int invalid = 0;
  for (size_t i = 0; i < id.length; ++i) {
    const int hi = kHexValues[static_cast<unsigned char>(hex[2 * i])];
    const int lo = kHexValues[static_cast<unsigned char>(hex[2 * i + 1])];
    invalid |= hi | lo;  // any -1 sets the sign bit
    id.bytes[i] = static_cast<uint8_t>((hi & 0xf) << 4 | (lo & 0xf));
  }
  if (invalid < 0) return std::nullopt;
  return id;
}

Result<std::vector<HashedId>, ApiError> ParseRecords(std::string_view records) {
  if (records.empty()) {
    return Failed(MakeApiError(ApiErrc::kBadRequest,
                               "field 'records' is empty: send at least one hashed record"));
  }
  // One trailing comma is tolerated (the contract's own example ends with one).
  if (records.back() == ',') records.remove_suffix(1);
  std::vector<HashedId> out;
  out.reserve(records.size() / 33 + 1);
  size_t position = 1;
  size_t start = 0;
  while (true) {
    const size_t comma = records.find(',', start);
    const std::string_view element = records.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (element.empty()) {
      return Failed(MakeApiError(ApiErrc::kBadRequest,
                                 "field 'records': element " + std::to_string(position) +
                                     " is empty; separate hashes with single commas"));
    }
    auto id = ParseHexHash(element);
    if (!id) {
      return Failed(MakeApiError(
          ApiErrc::kBadRequest,
          "field 'records': element " + std::to_string(position) +
              " is not a lowercase hex MD5, SHA-1 or SHA-256 hash (32, 40 or 64 characters)"));
    }
    out.push_back(*id);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
    ++position;
  }
  return out;
}

}  // namespace pinsync::sandbox
