// PINSYNC_<SECTION>__<KEY> overrides: upper case, "__" between levels. Map entries are
// PINSYNC_KAFKA__PROPERTIES__<NAME> with NAME lower-cased and '_' read as '.', so
// PINSYNC_KAFKA__PROPERTIES__SASL_MECHANISM sets sasl.mechanism. Lists are comma-separated.
#include <algorithm>
#include <cctype>

#include "assignment.h"
#include "key_lookup.h"
#include "pinsync/common/huge_page_heap.h"
#include "property_value.h"

namespace pinsync::config {
namespace {

constexpr std::string_view kPrefix = "PINSYNC_";
// Read by the process before any configuration exists, not overrides (docs/operations.md,
// "Sizing").
constexpr std::string_view kProcessVariables[] = {kHugePageHeapVariable};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::vector<std::string> SplitLevels(std::string_view rest) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (true) {
    const size_t sep = rest.find("__", start);
    segments.push_back(Lower(rest.substr(start, sep - start)));
    if (sep == std::string_view::npos) break;
    start = sep + 2;
  }
  return segments;
}

// The audience as written in the file if it is there under another case, else as given.
std::string CanonicalAudience(const Assignments& out, const std::string& lowered) {
  for (const std::string& id : out.audiences) {
    if (Lower(id) == lowered) return id;
  }
  return lowered;
}

std::string EnvVarFor(const std::string& key) {
  std::string out = "PINSYNC_";
  for (char ch : key) {
    out += ch == '.'
               ? std::string("__")
               : std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  return out;
}

}  // namespace

void ReadEnvironmentAssignments(const Environment& env, Assignments& out,
                                ConfigProblems& problems) {
  for (const auto& [name, text] : env) {
    if (name.rfind(kPrefix, 0) != 0) continue;
    if (std::find(std::begin(kProcessVariables), std::end(kProcessVariables), name) !=
        std::end(kProcessVariables)) {
      continue;
    }
    const std::string where = "environment " + name;
    std::vector<std::string> segments = SplitLevels(std::string_view(name).substr(kPrefix.size()));
    std::optional<KeyMatch> match = FindProperty(segments);
    std::string map_entry;
    if (!match && segments.size() > 1) {
      std::vector<std::string> parent(segments.begin(), segments.end() - 1);
      match = FindProperty(parent);
      if (match && match->property->type == PropertyType::kStringMap) {
        map_entry = segments.back();
        std::replace(map_entry.begin(), map_entry.end(), '_', '.');
        segments = parent;
      } else {
        match.reset();
      }
    }
    if (!match) {
      const std::string suggestion = SuggestKey(segments);
      problems.Add(ConfigErrorKind::kUnknownEnvironmentVariable, where, JoinKey(segments),
                   suggestion.empty()
                       ? "no key has this name; unset it (docs/configuration.md lists every "
                         "override)"
                       : "no key has this name; did you mean " + EnvVarFor(suggestion) + "?");
      continue;
    }
    const Property& p = *match->property;
    std::string key = JoinKey(segments);
    if (match->list_item) {
      problems.Add(ConfigErrorKind::kUnknownEnvironmentVariable, where, key,
                   "list entries (inputs) are set in the configuration file only; unset " + name);
      continue;
    }
    if (p.secret) {
      problems.Add(ConfigErrorKind::kSecretInConfig, where, key,
                   "secrets are read from " + std::string(p.env_var) + " or the file named in " +
                       std::string(p.file_key) + "; unset " + name + " and use one of those");
      out.Reject(p, match->audience_id.empty() ? "" : CanonicalAudience(out, match->audience_id));
      continue;
    }
    Assignment a;
    a.property = &p;
    a.where = where;
    if (!match->audience_id.empty()) {
      a.audience_id = CanonicalAudience(out, match->audience_id);
      out.audiences.push_back(a.audience_id);
    }
    if (!map_entry.empty()) {
      a.value.map[map_entry] = text;
    } else {
      auto parsed = ParseScalar(p, text);
      if (!parsed) {
        problems.Add(ConfigErrorKind::kWrongType, where, key, parsed.error().message);
        out.Reject(p, a.audience_id);
        continue;
      }
      a.value = std::move(*parsed);
      if (auto problem = CheckValue(p, a.value)) {
        problems.Add(problem->kind, where, key, problem->detail);
        out.Reject(p, a.audience_id);
        continue;
      }
    }
    out.values.push_back(std::move(a));
  }
}

}  // namespace pinsync::config
