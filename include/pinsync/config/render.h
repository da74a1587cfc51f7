#pragma once
// Human-readable views of the configuration, both generated from the property table.

#include <string>

#include "pinsync/config/config.h"

namespace pinsync::config {

// YAML of every key with its effective value; secrets appear only as <redacted> or <unset>.
std::string RenderEffectiveConfig(const Config& config);

// The Markdown of docs/configuration.md (regenerate with scripts/gen-config-doc.sh).
std::string RenderConfigReference();

}  // namespace pinsync::config
