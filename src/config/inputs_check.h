#pragma once
// Rules across the keys of each inputs: entry (a topic, a usable mapping for the format, the
// registry for avro), checked after the file and the environment are applied.

#include <string_view>

#include "config_problems.h"
#include "pinsync/config/config.h"

namespace pinsync::config {

void CheckInputs(const Config& config, std::string_view source_name, ConfigProblems& problems);

}  // namespace pinsync::config
