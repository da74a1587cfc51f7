// Turns a YAML document into assignments, reporting unknown keys, wrong types, bad values and
// secrets written into the file, each with file and line.
#include <yaml-cpp/yaml.h>

#include <set>

#include "assignment.h"
#include "key_lookup.h"
#include "property_value.h"

namespace pinsync::config {
namespace {

struct YamlWalk {
  std::string_view source;
  Assignments& out;
  ConfigProblems& problems;

  std::string Where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return std::string(source);
    return std::string(source) + ":" + std::to_string(mark.line + 1);
  }

  static std::string_view Shape(const YAML::Node& node) {
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a map";
    return "a single value";
  }

  void WrongType(const YAML::Node& node, const Property& p, const std::string& key) {
    problems.Add(
        ConfigErrorKind::kWrongType, Where(node), key,
        "expected " + std::string(TypeExpectation(p.type)) + ", got " + std::string(Shape(node)));
  }

  // Reads the node as the row's type; false (after reporting) when it has the wrong shape.
  bool ReadValue(const YAML::Node& node, const Property& p, const std::string& key,
                 PropertyValue& value) {
    if (p.type == PropertyType::kStringList) {
      if (!node.IsSequence()) return WrongType(node, p, key), false;
      for (const YAML::Node& item : node) {
        if (!item.IsScalar()) return WrongType(item, p, key), false;
        value.list.push_back(item.Scalar());
      }
      return true;
    }
    if (p.type == PropertyType::kStringMap) {
      if (!node.IsMap()) return WrongType(node, p, key), false;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar() || !(entry.second.IsScalar() || entry.second.IsNull())) {
          return WrongType(entry.second, p, key + "." + entry.first.as<std::string>("?")), false;
        }
        value.map[entry.first.Scalar()] = entry.second.IsNull() ? "" : entry.second.Scalar();
      }
      return true;
    }
    if (!node.IsScalar()) return WrongType(node, p, key), false;
    auto parsed = ParseScalar(p, node.Scalar());
    if (!parsed) {
      problems.Add(ConfigErrorKind::kWrongType, Where(node), key, parsed.error().message);
      return false;
    }
    value = std::move(*parsed);
    return true;
  }

  void Visit(const YAML::Node& map, std::vector<std::string>& path) {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key_node = entry.first;
      const YAML::Node& value_node = entry.second;
      if (!key_node.IsScalar()) {
        problems.Add(ConfigErrorKind::kWrongType, Where(key_node), JoinKey(path),
                     "a key must be a plain name, not a list or map");
        continue;
      }
      path.push_back(key_node.Scalar());
      if (!seen.insert(key_node.Scalar()).second) {
        // yaml-cpp keeps one of the two silently; which one the user meant is unknowable.
        problems.Add(ConfigErrorKind::kDuplicateKey, Where(key_node), JoinKey(path),
                     "written twice in the same section; keep one");
        path.pop_back();
        continue;
      }
      VisitEntry(key_node, value_node, path);
      path.pop_back();
    }
  }

  // inputs: a list of entries, each a map of keys; the entry's position is its key segment.
  void VisitList(const YAML::Node& list, std::vector<std::string>& path) {
    if (list.IsNull()) return;
    if (!list.IsSequence()) {
      problems.Add(
          ConfigErrorKind::kWrongType, Where(list), JoinKey(path),
          "expected a list of entries (\"- topic: ...\"), got " + std::string(Shape(list)));
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      path.push_back(std::to_string(i));
      if (item.IsMap()) {
        Visit(item, path);
      } else {
        problems.Add(ConfigErrorKind::kWrongType, Where(item), JoinKey(path),
                     "expected an entry (a map of keys), got " + std::string(Shape(item)));
      }
      path.pop_back();
    }
  }

  void VisitEntry(const YAML::Node& key_node, const YAML::Node& value_node,
                  std::vector<std::string>& path) {
    const std::string key = JoinKey(path);
    if (auto match = FindProperty(path)) {
      const Property& p = *match->property;
      if (!match->audience_id.empty() && !match->list_item) {
        out.audiences.push_back(match->audience_id);
      }
      if (p.secret) {
        problems.Add(ConfigErrorKind::kSecretInConfig, Where(key_node), key,
                     "secrets are never read from the configuration file; remove it and set " +
                         std::string(p.env_var) + " or name a file holding it in " +
                         std::string(p.file_key));
        out.Reject(p, match->audience_id);
        return;
      }
      if (value_node.IsNull()) return;  // written but empty: the default stays
      Assignment a;
      a.property = &p;
      a.audience_id = match->audience_id;
      a.where = Where(value_node);
      if (!ReadValue(value_node, p, key, a.value)) {
        out.Reject(p, match->audience_id);
        return;
      }
      if (auto problem = CheckValue(p, a.value)) {
        problems.Add(problem->kind, a.where, key, problem->detail);
        out.Reject(p, match->audience_id);
        return;
      }
      out.values.push_back(std::move(a));
      return;
    }
    if (IsListSection(path)) {
      VisitList(value_node, path);
      return;
    }
    if (IsSectionOf(path)) {
      if (path.size() == 2 && path[0] == "audiences") out.audiences.push_back(path[1]);
      if (value_node.IsNull()) return;
      if (!value_node.IsMap()) {
        problems.Add(ConfigErrorKind::kWrongType, Where(value_node), key,
                     "expected a section (a map of keys), got " + std::string(Shape(value_node)));
        return;
      }
      Visit(value_node, path);
      return;
    }
    const std::string suggestion = SuggestKey(path);
    problems.Add(ConfigErrorKind::kUnknownKey, Where(key_node), key,
                 suggestion.empty()
                     ? "no such key; remove it (docs/configuration.md lists every key)"
                     : "no such key; did you mean " + suggestion + "?");
  }
};

}  // namespace

void ReadYamlAssignments(const YAML::Node& root, std::string_view source_name, Assignments& out,
                         ConfigProblems& problems) {
  YamlWalk walk{source_name, out, problems};
  if (!root.IsDefined() || root.IsNull()) return;  // an empty file: defaults and environment only
  if (!root.IsMap()) {
    problems.Add(ConfigErrorKind::kWrongType, walk.Where(root), "",
                 "the document must be a map of sections (kafka:, pinterest:, ...), got " +
                     std::string(YamlWalk::Shape(root)));
    return;
  }
  std::vector<std::string> path;
  walk.Visit(root, path);
}

}  // namespace pinsync::config
