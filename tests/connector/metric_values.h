#pragma once
// Reads one sample out of a prometheus::Registry, for tests that check what a component exported.

#include <prometheus/registry.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pinsync::connector::testing {

// The value of the counter or gauge `name` whose labels include all of `labels`; nullopt if
// there is none.
inline std::optional<double> MetricValue(prometheus::Registry& registry, const std::string& name,
                                         const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      size_t matched = 0;
      for (const auto& pair : metric.label) {
        auto it = labels.find(pair.name);
        if (it != labels.end() && it->second == pair.value) ++matched;
      }
      if (matched != labels.size()) continue;
      return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                            : metric.gauge.value;
    }
  }
  return std::nullopt;
}

// Every label value of every sample in the registry whose name starts with `prefix`.
inline std::vector<std::string> LabelValues(prometheus::Registry& registry,
                                            const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& family : registry.Collect()) {
    if (family.name.rfind(prefix, 0) != 0) continue;
    for (const auto& metric : family.metric) {
      for (const auto& pair : metric.label) out.push_back(pair.value);
    }
  }
  return out;
}

}  // namespace pinsync::connector::testing
