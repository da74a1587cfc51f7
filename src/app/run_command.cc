// pinsync run -c FILE: the connector, until SIGTERM or SIGINT.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

#include "pinsync/app/commands.h"
#include "pinsync/app/huge_page_heap.h"
#include "pinsync/app/signals.h"
#include "pinsync/common/log_fields.h"
#include "pinsync/common/version.h"
#include "pinsync/config/load.h"
#include "pinsync/config/render.h"
#include "pinsync/logging/log_format.h"
#include "pinsync/service/connector_service.h"

namespace pinsync::app {
namespace {

struct RunOptions {
  std::string config_path;
};

// The effective configuration on one log line: its YAML lines joined.
std::string OneLine(const std::string& yaml) {
  std::string out;
  size_t start = 0;
  while (start < yaml.size()) {
    size_t end = yaml.find('\n', start);
    if (end == std::string::npos) end = yaml.size();
    std::string_view line(yaml.data() + start, end - start);
    if (!line.empty() && line.front() != '#') {
      if (!out.empty()) out += " | ";
      out += line;
    }
    start = end + 1;
  }
  return out;
}

// The effective configuration (secrets redacted) as one event: in JSON, a "config" object.
void LogStartup(const config::Config& cfg, bool json) {
  const std::string effective = config::RenderEffectiveConfig(cfg);
  if (!json) {
    spdlog::info("pinsync {} starting (heap huge pages: {}) with configuration: {}", kVersion,
                 HugePageHeapState(), OneLine(effective));
    return;
  }
  LogFields fields{{"event", "startup"},
                   {"version", std::string(kVersion)},
                   {"heap_huge_pages", std::string(HugePageHeapState())}};
  fields.AddJson("config", logging::EffectiveConfigJson(effective));
  spdlog::info("pinsync {} starting", kVersion);
}

int RunConnector(const RunOptions& options) {
  auto loaded = config::LoadConfigFile(options.config_path, config::ProcessEnvironment());
  if (!loaded) {
    std::fprintf(stderr, "%s\npinsync run: %s is not valid; nothing was started\n",
                 loaded.error().message.c_str(), options.config_path.c_str());
    return 1;
  }
  const config::Config& cfg = *loaded;
  if (auto level = spdlog::level::from_str(cfg.logging.level); level != spdlog::level::off) {
    spdlog::set_level(level);
  }
  const auto format = logging::ParseLogFormat(cfg.logging.format);
  logging::UseLogFormat(format.value_or(logging::LogFormat::kText));
  LogStartup(cfg, format == logging::LogFormat::kJson);
  const auto& stop = InstallStopSignals();
  auto service = service::ConnectorService::Create(cfg);
  if (!service) {
    spdlog::critical("cannot start: {}", service.error().message);
    return 1;
  }
  const auto reason = (*service)->Run(stop);
  return reason == connector::StopReason::kRequested ? 0 : 1;
}

}  // namespace

void AddRunCommand(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run the connector until SIGTERM or SIGINT");
  cmd->add_option("-c,--config", options->config_path, "YAML configuration file")->required();
  cmd->callback([&runner, options] { runner = [options] { return RunConnector(*options); }; });
}

}  // namespace pinsync::app
