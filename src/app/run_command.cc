// Placeholder until the subsystem behind this command lands; it refuses to run rather than pretend.
#include <cstdio>

#include "pinsync/app/commands.h"

namespace pinsync::app {

void AddRunCommand(CLI::App& app, CommandRunner& runner) {
  auto* cmd = app.add_subcommand("run", "(not built yet)");
  cmd->allow_extras();
  cmd->callback([&runner] {
    runner = [] {
      std::fprintf(stderr, "pinsync run: not implemented in this build\n");
      return 2;
    };
  });
}

}  // namespace pinsync::app
