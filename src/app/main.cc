// The pinsync executable: one binary, one subcommand per job.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "pinsync/app/commands.h"
#include "pinsync/common/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "pinsync: keeps Pinterest customer-list audiences in step with Kafka membership events"};
  app.set_version_flag("--version", std::string("pinsync ") + pinsync::kVersion);
  app.require_subcommand(1);

  pinsync::app::CommandRunner runner;
  pinsync::app::AddValidateConfigCommand(app, runner);
  pinsync::app::AddRunCommand(app, runner);
  pinsync::app::AddDemoCommand(app, runner);
  pinsync::app::AddSandboxCommand(app, runner);
  pinsync::app::AddKafkaCommand(app, runner);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return runner ? runner() : 0;
}
