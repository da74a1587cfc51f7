// pinsync validate-config -c FILE: loads the file with the process environment, prints every
// problem and exits 1, or prints the effective configuration (secrets redacted) and exits 0.
// --print-reference prints docs/configuration.md instead.
#include <cstdio>
#include <memory>
#include <string>

#include "pinsync/app/commands.h"
#include "pinsync/config/load.h"
#include "pinsync/config/render.h"

namespace pinsync::app {
namespace {

struct ValidateConfigOptions {
  std::string config_path;
  bool print_reference = false;
};

int RunValidateConfig(const ValidateConfigOptions& options) {
  if (options.print_reference) {
    const std::string reference = config::RenderConfigReference();
    std::fwrite(reference.data(), 1, reference.size(), stdout);
    return 0;
  }
  if (options.config_path.empty()) {
    std::fprintf(stderr, "pinsync validate-config: name the file to check with -c FILE\n");
    return 2;
  }
  auto loaded = config::LoadConfigFile(options.config_path, config::ProcessEnvironment());
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
    std::fprintf(stderr, "pinsync validate-config: %s is not valid (see docs/configuration.md)\n",
                 options.config_path.c_str());
    return 1;
  }
  const std::string effective = config::RenderEffectiveConfig(*loaded);
  std::fwrite(effective.data(), 1, effective.size(), stdout);
  return 0;
}

}  // namespace

void AddValidateConfigCommand(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<ValidateConfigOptions>();
  auto* cmd = app.add_subcommand(
      "validate-config",
      "Check a configuration file and print the effective configuration (secrets redacted)");
  cmd->add_option("-c,--config", options->config_path, "YAML configuration file to check");
  cmd->add_flag("--print-reference", options->print_reference,
                "Print the configuration reference (docs/configuration.md) and exit");
  cmd->callback([&runner, options] { runner = [options] { return RunValidateConfig(*options); }; });
}

}  // namespace pinsync::app
