#pragma once
// Seals the app's OAuth credentials for the registry topic, which any client with READ on it can
// read: AES-256-GCM under a key derived (HKDF-SHA256) from the app secret, bound to the app id
// and the grant's generation, so a reader without the secret learns nothing, and a record cannot
// be altered or replayed under another generation without failing to open.

#include <cstdint>
#include <string>

#include "pinsync/common/result.h"

namespace pinsync::registry {

// Returns hex(nonce || ciphertext || tag).
Result<std::string> SealCredentials(const std::string& app_id, const std::string& app_secret,
                                    uint64_t generation, const std::string& plaintext);
// The plaintext, or an error that never echoes the input.
Result<std::string> OpenCredentials(const std::string& app_id, const std::string& app_secret,
                                    uint64_t generation, const std::string& sealed_hex);

}  // namespace pinsync::registry
