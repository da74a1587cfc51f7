// pinsync demo: the embedded end-to-end demo (docs in include/pinsync/demo/demo_runner.h).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

#include "pinsync/app/commands.h"
#include "pinsync/app/signals.h"
#include "pinsync/demo/demo_runner.h"

namespace pinsync::app {

void AddDemoCommand(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<demo::DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Run Kafka (embedded mock cluster), the Pinterest sandbox, a generated event stream and the "
      "connector end to end, then check the result against the ground truth");
  cmd->add_option("--events", options->stream.events, "Membership events to publish")
      ->check(CLI::Range(1, 2'000'000))
      ->capture_default_str();
  cmd->add_option("--audiences", options->stream.audiences, "Audiences (1-8)")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  cmd->add_option("--seed", options->stream.seed, "Random seed of the stream")
      ->capture_default_str();
  cmd->add_option("--partitions", options->partitions, "Partitions of the events topic")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  auto format_name = std::make_shared<std::string>("native");
  cmd->add_option("--format", *format_name,
                  "How the events are published: native JSON (docs/events.md), Segment Engage "
                  "identify/track calls, or Avro with a schema registry started by the demo")
      ->check(CLI::IsMember({"native", "segment", "avro"}))
      ->capture_default_str();
  cmd->add_option("--max-records", options->max_records, "batching.max_records for the demo")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  cmd->add_flag(
      "--quiet", [options](int64_t) { options->progress = false; }, "No progress lines");
  cmd->add_option("--status-listen", options->status_listen,
                  "host:port of the status page while the demo runs (loopback; port 0: any)")
      ->capture_default_str();
  auto hold = std::make_shared<bool>(false);
  cmd->add_flag("--hold", *hold, "After the verdict, keep serving the status page until Ctrl-C");
  cmd->callback([&runner, options, format_name, hold] {
    // IsMember has accepted only the names ParseEventFormat knows.
    options->stream.format =
        demo::ParseEventFormat(*format_name).value_or(demo::EventFormat::kNative);
    runner = [options, hold] {
      spdlog::set_level(spdlog::level::warn);  // the demo prints its own progress
      if (*hold) options->hold_until = &InstallStopSignals();
      return demo::RunDemo(*options, stdout);
    };
  });
}

}  // namespace pinsync::app
