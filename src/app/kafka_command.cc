// `pinsync kafka`: runs the embedded mock Kafka cluster alone, for local experiments, the demo's
// pieces and benchmarks. Prints one line `bootstrap.servers=...` and runs until SIGINT/SIGTERM.

#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "pinsync/app/commands.h"
#include "pinsync/kafka/mock_cluster.h"

namespace pinsync::app {
namespace {

struct KafkaCommandOptions {
  int partitions = 4;
  int brokers = 3;
  std::vector<std::string> topics = {"events"};
};

int RunKafka(const KafkaCommandOptions& options) {
  // Block the stop signals before librdkafka starts its threads (they inherit the mask), so
  // sigwait below is the only place they land.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // stdout carries only the bootstrap line, for scripts; logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("pinsync-kafka"));

  auto cluster = kafka::MockKafkaCluster::Start(options.brokers);
  if (!cluster) {
    std::fprintf(stderr, "pinsync kafka: %s\n", cluster.error().message.c_str());
    return 1;
  }
  for (const auto& topic : options.topics) {
    if (auto created = (*cluster)->CreateTopic(topic, options.partitions); !created) {
      std::fprintf(stderr, "pinsync kafka: %s\n", created.error().message.c_str());
      return 1;
    }
  }
  std::printf("bootstrap.servers=%s\n", (*cluster)->bootstraps().c_str());
  std::fflush(stdout);
  spdlog::info("mock Kafka cluster ready: {} topic(s) x {} partition(s); stop with Ctrl-C",
               options.topics.size(), options.partitions);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("pinsync kafka: signal {} received, stopping the mock cluster", signal_number);
  cluster->reset();
  return 0;
}

}  // namespace

void AddKafkaCommand(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<KafkaCommandOptions>();
  auto* cmd = app.add_subcommand(
      "kafka",
      "Run the embedded mock Kafka cluster (librdkafka's, on loopback) until SIGINT/SIGTERM; "
      "prints its bootstrap.servers. It keeps only ~5 MB per partition.");
  cmd->add_option("--partitions", options->partitions, "Partitions per topic")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--topics", options->topics, "Topics to create, comma-separated")->delimiter(',');
  cmd->add_option("--brokers", options->brokers, "Number of brokers")->check(CLI::Range(1, 16));
  cmd->callback([&runner, options] { runner = [options] { return RunKafka(*options); }; });
}

}  // namespace pinsync::app
