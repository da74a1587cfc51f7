// `pinsync kafka`: runs the embedded mock Kafka cluster alone, for local experiments, the demo's
// pieces and benchmarks. Prints one line `bootstrap.servers=...` and runs until SIGINT/SIGTERM.
// With --publish it first fills the first topic with the demo's generated stream in --format;
// for avro it also runs a schema registry on loopback and prints `schema_registry.url=...`.

#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "pinsync/app/commands.h"
#include "pinsync/demo/membership_stream.h"
#include "pinsync/demo/schema_registry_server.h"
#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/mock_cluster.h"

namespace pinsync::app {
namespace {

struct KafkaCommandOptions {
  int partitions = 4;
  int brokers = 3;
  std::vector<std::string> topics = {"events"};
  size_t publish = 0;  // events of the demo's stream to publish to topics[0]
  demo::EventFormat format = demo::EventFormat::kNative;
  uint64_t seed = 42;
};

// Publishes the stream; for avro, registers its schema first at a registry it starts (returned,
// to serve the schema while the cluster runs).
Result<std::unique_ptr<demo::SchemaRegistryServer>> Publish(const KafkaCommandOptions& options,
                                                            const std::string& bootstraps) {
  const std::string& topic = options.topics.front();
  demo::StreamOptions stream_options{.events = options.publish, .seed = options.seed};
  stream_options.format = options.format;
  std::unique_ptr<demo::SchemaRegistryServer> registry;
  if (options.format == demo::EventFormat::kAvro) {
    auto started = demo::SchemaRegistryServer::Start();
    if (!started.ok()) return MakeError(started.error().message);
    registry = std::move(*started);
    auto id = demo::RegisterSchema(registry->url(), topic + "-value", demo::MembershipAvroSchema());
    if (!id.ok()) return MakeError(id.error().message);
    stream_options.avro_schema_id = *id;
  }
  auto producer = kafka::EventProducer::Create(bootstraps);
  if (!producer.ok()) return MakeError("cannot create a producer: " + producer.error().message);
  demo::MembershipStream stream(stream_options);
  while (auto message = stream.Next()) {
    if (auto sent = (*producer)->Produce(topic, message->key, message->value); !sent.ok()) {
      return MakeError("publishing to " + topic + " failed: " + sent.error().message);
    }
  }
  if (auto flushed = (*producer)->Flush(std::chrono::seconds(30)); !flushed.ok()) {
    return MakeError("publishing to " + topic + " failed: " + flushed.error().message);
  }
  spdlog::info("published {} events ({}) to {}: {} malformed on purpose", stream.produced(),
               demo::ToString(options.format), topic, stream.malformed());
  return registry;
}

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
  std::unique_ptr<demo::SchemaRegistryServer> registry;
  if (options.publish > 0) {
    auto published = Publish(options, (*cluster)->bootstraps());
    if (!published.ok()) {
      std::fprintf(stderr, "pinsync kafka: %s\n", published.error().message.c_str());
      return 1;
    }
    registry = std::move(*published);
    if (registry) std::printf("schema_registry.url=%s\n", registry->url().c_str());
  }
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
  cmd->add_option("--publish", options->publish,
                  "Publish this many events of the demo's generated stream to the first topic")
      ->check(CLI::Range(0, 2'000'000));
  auto format_name = std::make_shared<std::string>("native");
  cmd->add_option("--format", *format_name,
                  "Format of the published events (avro also starts a schema registry)")
      ->check(CLI::IsMember({"native", "segment", "avro"}))
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "Random seed of the published stream");
  cmd->callback([&runner, options, format_name] {
    // IsMember has accepted only the names ParseEventFormat knows.
    options->format = demo::ParseEventFormat(*format_name).value_or(demo::EventFormat::kNative);
    runner = [options] { return RunKafka(*options); };
  });
}

}  // namespace pinsync::app
