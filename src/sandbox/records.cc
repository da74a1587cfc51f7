#include "pinsync/sandbox/records.h"

#include <string>

namespace pinsync::sandbox {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase is rejected too: Pinterest expects lowercase hex
}

}  // namespace

std::optional<HashedId> ParseHexHash(std::string_view hex) {
  if (hex.size() != 32 && hex.size() != 40 && hex.size() != 64) return std::nullopt;
  HashedId id;
  id.length = static_cast<uint8_t>(hex.size() / 2);
  for (size_t i = 0; i < id.length; ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return id;
}

Result<std::vector<HashedId>, ApiError> ParseRecords(std::string_view records) {
  if (records.empty()) {
    return Unexpected(MakeApiError(ApiErrc::kBadRequest,
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
      return Unexpected(MakeApiError(ApiErrc::kBadRequest,
                                     "field 'records': element " + std::to_string(position) +
                                         " is empty; separate hashes with single commas"));
    }
    auto id = ParseHexHash(element);
    if (!id) {
      return Unexpected(MakeApiError(
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
