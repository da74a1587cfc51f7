#include "queried_metrics.h"

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include "repo_files.h"

namespace pinsync::deploy_test {

std::set<std::string> MetricsQueriedByRules() {
  const std::set<std::string> known = MetricNamesInCode();
  std::set<std::string> names;
  const YAML::Node rules =
      YAML::LoadFile((SourceDir() / "deploy/prometheus/pinsync-rules.yml").string());
  for (const YAML::Node& group : rules["groups"]) {
    for (const YAML::Node& rule : group["rules"]) {
      names.merge(MetricNamesInExpression(rule["expr"].as<std::string>(), known));
    }
  }
  return names;
}

std::set<std::string> MetricsQueriedByDashboard() {
  const std::set<std::string> known = MetricNamesInCode();
  std::set<std::string> names;
  const std::string text = ReadFile(SourceDir() / "deploy/grafana/pinsync-dashboard.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("panels")) return names;
  for (const auto& panel : doc["panels"].GetArray()) {
    if (!panel.HasMember("targets")) continue;
    for (const auto& target : panel["targets"].GetArray()) {
      if (target.HasMember("expr") && target["expr"].IsString()) {
        names.merge(MetricNamesInExpression(target["expr"].GetString(), known));
      }
    }
  }
  return names;
}

}  // namespace pinsync::deploy_test
