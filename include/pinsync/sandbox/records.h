#pragma once
// The contract's `records` field: a comma-separated string of identifiers. The sandbox accepts
// only what pinsync sends, hashes: lowercase hex of an MD5 (32), SHA-1 (40) or SHA-256 (64).

#include <optional>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/sandbox/api_error.h"

namespace pinsync::sandbox {

// One hash in lowercase hex; nullopt for any other form.
std::optional<HashedId> ParseHexHash(std::string_view hex);

// Splits and parses `records`. One trailing comma is tolerated, as in the contract's example
// "email2@pinterest.com,email6@pinterest.com,"; any other empty element, or an element that is
// not a lowercase hex hash, is a 400 naming its (1-based) position, never its value.
Result<std::vector<HashedId>, ApiError> ParseRecords(std::string_view records);

}  // namespace pinsync::sandbox
