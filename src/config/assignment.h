#pragma once
// One key set to one value by one source, before it is applied to the Config. Sources produce
// assignments in order (YAML, then environment), so a later one overrides an earlier one.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config_problems.h"
#include "pinsync/config/environment.h"
#include "property_table.h"

namespace YAML {
class Node;
}

namespace pinsync::config {

struct Assignment {
  const Property* property = nullptr;
  std::string audience_id;
  PropertyValue value;
  std::string where;  // file:line or environment variable, for later error messages
};

struct Assignments {
  std::vector<Assignment> values;
  std::vector<std::string> audiences;  // every audience id mentioned, even with no keys
  // Keys given a value that was refused and reported (wrong type, invalid, out of range, a secret
  // where secrets are not read), with their audience id ("" for global keys). A key is reported
  // once: later checks do not call it missing.
  std::set<std::pair<const Property*, std::string>> rejected;

  void Reject(const Property& p, const std::string& audience_id) {
    rejected.emplace(&p, audience_id);
  }
  bool Rejected(const Property& p, const std::string& audience_id = "") const {
    return rejected.count({&p, audience_id}) != 0;
  }
};

// Walks a parsed YAML document. source_name is the file name used in messages.
void ReadYamlAssignments(const YAML::Node& root, std::string_view source_name, Assignments& out,
                         ConfigProblems& problems);

// Reads every PINSYNC_* variable. Audience ids match the ones already in `out`
// case-insensitively, otherwise they are taken in lower case.
void ReadEnvironmentAssignments(const Environment& env, Assignments& out, ConfigProblems& problems);

}  // namespace pinsync::config
