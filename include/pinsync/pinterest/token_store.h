#pragma once
// The file where a rotated refresh token is kept, so a restart uses the newest one. Written
// atomically (temp file in the same directory, fsync, rename) with mode 0600.

#include <optional>
#include <string>

#include "pinsync/common/result.h"

namespace pinsync::pinterest {

// The stored refresh token; nullopt when the file does not exist or is empty.
Result<std::optional<std::string>> ReadTokenStore(const std::string& path);

Status<> WriteTokenStore(const std::string& path, const std::string& refresh_token);

}  // namespace pinsync::pinterest
