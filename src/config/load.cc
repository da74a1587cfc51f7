// Loading: YAML, then environment overrides, then required keys, cross-key rules and secrets.
// yaml-cpp throws; its exceptions stop here and become errors with file and line.
#include "pinsync/config/load.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "assignment.h"
#include "config_problems.h"
#include "inputs_check.h"
#include "pinsync/config/duration.h"
#include "property_value.h"
#include "secrets.h"

namespace pinsync::config {
namespace {

bool IsUnset(const Property& p, const PropertyValue& v) {
  switch (p.type) {
    case PropertyType::kStringList:
      return v.list.empty();
    case PropertyType::kStringMap:
      return v.map.empty();
    case PropertyType::kString:
    case PropertyType::kPath:
    case PropertyType::kEnum:
      return v.text.empty();
    case PropertyType::kInt:
    case PropertyType::kSize:
    case PropertyType::kDuration:
    case PropertyType::kBool:
      return false;  // always have a default
  }
  return false;
}

// A required key that was written with a refused value is not missing: its problem is reported
// already, where it was written.
void CheckRequired(const Config& config, const Assignments& assignments,
                   std::string_view source_name, ConfigProblems& problems) {
  for (const Property& p : Properties()) {
    if (!p.required || !IsUnset(p, p.read(config, "")) || assignments.Rejected(p)) continue;
    problems.Add(ConfigErrorKind::kMissingRequired, source_name, p.name,
                 "set it in the file or with " + EnvVarName(p));
  }
}

// kafka.topics and inputs: each may be empty, not both. An entry without a topic is reported by
// CheckInputs, and a refused kafka.topics where it was written, so neither is reported again here.
void CheckSomeTopicIsRead(const Config& config, const Assignments& assignments,
                          std::string_view source_name, ConfigProblems& problems) {
  if (!config.kafka.topics.empty() || !config.inputs.empty()) return;
  const Property* topics = nullptr;
  for (const Property& p : Properties()) {
    if (p.name == "kafka.topics") topics = &p;
  }
  if (topics == nullptr || assignments.Rejected(*topics)) return;
  const std::string what =
      "name at least one topic in kafka.topics (native events) or in an inputs entry (with its "
      "format)";
  for (auto a = assignments.values.rbegin(); a != assignments.values.rend(); ++a) {
    if (a->property == topics) {  // written, as an empty list
      problems.Add(ConfigErrorKind::kInvalidValue, a->where, "kafka.topics",
                   "the list is empty and inputs lists no topic; " + what);
      return;
    }
  }
  problems.Add(ConfigErrorKind::kMissingRequired, source_name, "kafka.topics", what);
}

void CheckAcrossKeys(const Config& config, std::string_view source_name, ConfigProblems& problems) {
  const PinterestConfig& pin = config.pinterest;
  if (pin.retry_initial_backoff > pin.retry_max_backoff) {
    problems.Add(ConfigErrorKind::kInvalidValue, source_name, "pinterest.retry_initial_backoff",
                 FormatDuration(pin.retry_initial_backoff) +
                     " exceeds pinterest.retry_max_backoff (" +
                     FormatDuration(pin.retry_max_backoff) + "); lower it or raise the maximum");
  }
}

}  // namespace

Result<Config> LoadConfigString(std::string_view yaml, std::string_view source_name,
                                const Environment& env) {
  ConfigProblems problems;
  Assignments assignments;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    ReadYamlAssignments(root, source_name, assignments, problems);
  } catch (const YAML::Exception& e) {
    const std::string where =
        e.mark.is_null() ? std::string(source_name)
                         : std::string(source_name) + ":" + std::to_string(e.mark.line + 1);
    problems.Add(ConfigErrorKind::kInvalidYaml, where, "", e.msg + "; fix the YAML syntax there");
    return MakeError(problems.Joined());
  }
  ReadEnvironmentAssignments(env, assignments, problems);

  Config config;
  for (const std::string& id : assignments.audiences) config.audiences[id];
  for (const Assignment& a : assignments.values) a.property->apply(config, a.audience_id, a.value);

  CheckRequired(config, assignments, source_name, problems);
  CheckSomeTopicIsRead(config, assignments, source_name, problems);
  CheckAcrossKeys(config, source_name, problems);
  CheckInputs(config, source_name, problems);
  ResolveSecrets(config, env, assignments, source_name, problems);
  if (!problems.empty()) return MakeError(problems.Joined());
  return config;
}

Result<Config> LoadConfigFile(const std::string& path, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigProblems problems;
    problems.Add(ConfigErrorKind::kUnreadableFile, path, "",
                 std::string(std::strerror(errno)) + "; check the path given with -c");
    return MakeError(problems.Joined());
  }
  std::ostringstream content;
  content << in.rdbuf();
  return LoadConfigString(content.str(), path, env);
}

}  // namespace pinsync::config
