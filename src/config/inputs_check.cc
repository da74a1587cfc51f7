#include "inputs_check.h"

#include <algorithm>
#include <set>

namespace pinsync::config {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool MapsAnything(const FieldMapping& m) {
  const FieldMapping defaults;
  return !m.audience_id.empty() || !m.audience_name.empty() || !m.user_id.empty() ||
         !m.ts.empty() || !m.op.empty() || !m.member.empty() || m.MapsAnyIdentifier() ||
         m.add_values != defaults.add_values || m.remove_values != defaults.remove_values;
}

void CheckMapping(const FieldMapping& m, const std::string& key, std::string_view where,
                  bool required, ConfigProblems& problems) {
  const std::string mapping = key + ".mapping";
  if (!required && !MapsAnything(m)) return;  // avro without a mapping: native field names
  if (m.audience_id.empty()) {
    problems.Add(ConfigErrorKind::kMissingRequired, where, mapping + ".audience_id",
                 "a mapping needs the pointer to the audience id (e.g. /audience/id)");
  }
  if (m.op.empty() == m.member.empty()) {
    problems.Add(ConfigErrorKind::kInvalidValue, where, mapping + ".op",
                 m.op.empty() ? "set mapping.op (a string compared with add_values and "
                                "remove_values) or mapping.member (a boolean)"
                              : "mapping.op and mapping.member are both set; keep one");
  }
  if (!m.op.empty()) {
    if (m.add_values.empty() || m.remove_values.empty()) {
      problems.Add(ConfigErrorKind::kInvalidValue, where, mapping + ".add_values",
                   "add_values and remove_values each need at least one value");
    }
    for (const std::string& v : m.add_values) {
      if (Contains(m.remove_values, v)) {
        problems.Add(ConfigErrorKind::kInvalidValue, where, mapping + ".remove_values",
                     "a value is listed in both add_values and remove_values; keep it in one");
        break;
      }
    }
  }
  if (!m.MapsAnyIdentifier()) {
    problems.Add(ConfigErrorKind::kMissingRequired, where, mapping + ".identifiers",
                 "map at least one identifier kind (email, idfa, gaid, email_sha256, "
                 "maid_sha256)");
  }
}

}  // namespace

void CheckInputs(const Config& config, std::string_view where, ConfigProblems& problems) {
  std::set<std::string> seen;
  for (size_t i = 0; i < config.inputs.size(); ++i) {
    const InputConfig& input = config.inputs[i];
    const std::string key = "inputs." + std::to_string(i);
    if (input.topic.empty()) {
      problems.Add(ConfigErrorKind::kMissingRequired, where, key + ".topic",
                   "every inputs entry names its topic");
    } else if (Contains(config.kafka.topics, input.topic)) {
      problems.Add(ConfigErrorKind::kInvalidValue, where, key + ".topic",
                   "topic '" + input.topic +
                       "' is also in kafka.topics (read as native there); list it in one place");
    } else if (!seen.insert(input.topic).second) {
      problems.Add(ConfigErrorKind::kInvalidValue, where, key + ".topic",
                   "the topic is listed twice in inputs; keep one entry");
    }
    switch (input.format) {
      case InputFormat::kNative:
      case InputFormat::kSegment:
        if (MapsAnything(input.mapping)) {
          problems.Add(ConfigErrorKind::kInvalidValue, where, key + ".mapping",
                       "a mapping applies to the mapped and avro formats only; remove it or set "
                       "format: mapped");
        }
        break;
      case InputFormat::kMapped:
        CheckMapping(input.mapping, key, where, /*required=*/true, problems);
        break;
      case InputFormat::kAvro:
        CheckMapping(input.mapping, key, where, /*required=*/false, problems);
        if (config.schema_registry.url.empty()) {
          problems.Add(ConfigErrorKind::kMissingRequired, where, "schema_registry.url",
                       key + " has format avro; set the Schema Registry's URL");
        }
        break;
    }
  }
}

}  // namespace pinsync::config
