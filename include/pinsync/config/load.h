#pragma once
// Loading the configuration: YAML file, then PINSYNC_* environment overrides, then secrets from
// the environment or the files the configuration names. Every problem found is reported at once,
// one per line, each naming the key and where it came from (file:line or environment variable).

#include <string>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/config/environment.h"

namespace pinsync::config {

Result<Config> LoadConfigFile(const std::string& path, const Environment& env);

// source_name stands in for the file name in error messages.
Result<Config> LoadConfigString(std::string_view yaml, std::string_view source_name,
                                const Environment& env);

}  // namespace pinsync::config
