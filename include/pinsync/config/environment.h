#pragma once
// The process environment as a plain map, so loading can be tested without touching the real one.

#include <map>
#include <string>

namespace pinsync::config {

using Environment = std::map<std::string, std::string>;

// A snapshot of the real environment (environ).
Environment ProcessEnvironment();

}  // namespace pinsync::config
