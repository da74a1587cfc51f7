#pragma once
// Each subcommand of the pinsync executable lives in its own file under src/app/ and adds itself
// to the command line here. The returned int is the process exit code once the command has run.

#include <CLI/CLI.hpp>
#include <functional>

namespace pinsync::app {

// Set by a subcommand's callback; main() returns it.
using CommandRunner = std::function<int()>;

void AddValidateConfigCommand(CLI::App& app, CommandRunner& runner);
void AddRunCommand(CLI::App& app, CommandRunner& runner);
void AddDemoCommand(CLI::App& app, CommandRunner& runner);
void AddSandboxCommand(CLI::App& app, CommandRunner& runner);
void AddKafkaCommand(CLI::App& app, CommandRunner& runner);

}  // namespace pinsync::app
