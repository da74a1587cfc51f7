#pragma once
// Secrets come only from their environment variable or from the file a *_file key names (the
// variable wins). Credentials must make one complete flow: an access token, or app id + app
// secret + refresh token.

#include <string_view>

#include "assignment.h"
#include "config_problems.h"
#include "pinsync/config/config.h"
#include "pinsync/config/environment.h"

namespace pinsync::config {

// A credential key already reported (written where secrets are not read, an invalid value, an
// unreadable file) is not reported again as missing.
void ResolveSecrets(Config& config, const Environment& env, const Assignments& assignments,
                    std::string_view source_name, ConfigProblems& problems);

}  // namespace pinsync::config
