#pragma once
// Durations and sizes as written in the configuration and on the command line.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"

namespace pinsync::config {

// "200ms", "5s", "10m", "3h", "1d", or a sum of those written together ("1h30m").
// A bare number is rejected: the unit is what makes a duration readable.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The shortest exact spelling ParseDuration reads back: 5000ms -> "5s", 90min -> "90m".
std::string FormatDuration(std::chrono::milliseconds d);

// A byte count: a plain integer, or an integer with KiB, MiB or GiB ("1MiB" = 1048576).
Result<uint64_t> ParseSize(std::string_view text);

// The shortest exact spelling ParseSize reads back: 1048576 -> "1MiB", 1000 -> "1000".
std::string FormatSize(uint64_t bytes);

}  // namespace pinsync::config
