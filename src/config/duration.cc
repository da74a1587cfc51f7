// Duration and size spellings shared by the configuration and the command line.
#include "pinsync/config/duration.h"

#include <charconv>
#include <limits>
#include <utility>

namespace pinsync::config {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t millis;
};
// Longest suffix first so "ms" is not read as "m" followed by garbage.
constexpr Unit kDurationUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};

constexpr int64_t kMaxMillis = std::numeric_limits<int64_t>::max() / 2;

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const std::string hint = " (write a number and a unit: 200ms, 5s, 10m, 3h, 1d)";
  if (text.empty()) return MakeError("empty duration" + hint);
  int64_t total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), number);
    if (ec == std::errc::result_out_of_range)
      return MakeError("duration too large: " + Quote(text));
    if (ec != std::errc() || number < 0) {
      return MakeError("not a duration: " + Quote(text) + hint);
    }
    pos = static_cast<size_t>(end - text.data());
    const Unit* unit = nullptr;
    for (const Unit& u : kDurationUnits) {
      if (text.substr(pos, u.suffix.size()) == u.suffix) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr)
      return MakeError("missing or unknown unit in duration " + Quote(text) + hint);
    pos += unit->suffix.size();
    if (number > kMaxMillis / unit->millis || total > kMaxMillis - number * unit->millis) {
      return MakeError("duration too large: " + Quote(text));
    }
    total += number * unit->millis;
  }
  return std::chrono::milliseconds(total);
}

std::string FormatDuration(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  if (ms == 0) return "0s";
  for (int i = static_cast<int>(std::size(kDurationUnits)) - 1; i >= 0; --i) {
    const Unit& u = kDurationUnits[i];
    if (ms % u.millis == 0) return std::to_string(ms / u.millis) + std::string(u.suffix);
  }
  return std::to_string(ms) + "ms";
}

Result<uint64_t> ParseSize(std::string_view text) {
  const std::string hint = " (write a byte count such as 1048576, or 512KiB, 1MiB, 1GiB)";
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc::result_out_of_range) return MakeError("size too large: " + Quote(text));
  if (ec != std::errc()) return MakeError("not a size: " + Quote(text) + hint);
  const std::string_view suffix = text.substr(static_cast<size_t>(end - text.data()));
  uint64_t multiplier = 1;
  if (suffix == "KiB") {
    multiplier = uint64_t{1} << 10;
  } else if (suffix == "MiB") {
    multiplier = uint64_t{1} << 20;
  } else if (suffix == "GiB") {
    multiplier = uint64_t{1} << 30;
  } else if (!suffix.empty()) {
    return MakeError("unknown unit in size " + Quote(text) + hint);
  }
  if (number > std::numeric_limits<uint64_t>::max() / multiplier) {
    return MakeError("size too large: " + Quote(text));
  }
  return number * multiplier;
}

std::string FormatSize(uint64_t bytes) {
  if (bytes != 0) {
    for (auto [shift, suffix] :
         {std::pair{30, "GiB"}, std::pair{20, "MiB"}, std::pair{10, "KiB"}}) {
      const uint64_t unit = uint64_t{1} << shift;
      if (bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
    }
  }
  return std::to_string(bytes);
}

}  // namespace pinsync::config
