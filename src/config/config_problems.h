#pragma once
// Collects every configuration problem so the user sees them all at once, one per line:
// "<where>: <key>: <reason>: <detail>", where is file:line, a file, or an environment variable.

#include <string>
#include <string_view>
#include <vector>

#include "pinsync/config/config_error.h"

namespace pinsync::config {

class ConfigProblems {
 public:
  void Add(ConfigErrorKind kind, std::string_view where, std::string_view key,
           std::string_view detail) {
    std::string line(where);
    if (!key.empty()) line.append(": ").append(key);
    line.append(": ").append(ToString(kind)).append(": ").append(detail);
    lines_.push_back(std::move(line));
  }
  bool empty() const { return lines_.empty(); }
  std::string Joined() const {
    std::string out;
    for (const std::string& line : lines_) out.append(out.empty() ? "" : "\n").append(line);
    return out;
  }

 private:
  std::vector<std::string> lines_;
};

}  // namespace pinsync::config
