#include "pinsync/service/connector_service.h"

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "pinsync/common/allocator.h"
#include "pinsync/common/version.h"
#include "pinsync/connector/connector_stats.h"
#include "pinsync/decode/decoder_stats.h"
#include "pinsync/identity/hashing.h"
#include "pinsync/identity/identity_stats.h"
#include "pinsync/kafka/dead_letter_producer.h"
#include "pinsync/kafka/kafka_message_source.h"
#include "pinsync/metrics/build_info.h"
#include "pinsync/metrics/metrics_server.h"
#include "pinsync/metrics/status_board.h"
#include "pinsync/pinterest/pinterest_batch_sink.h"
#include "pinsync/registry/kafka_list_registry.h"
#include "pinsync/service/status_publisher.h"

namespace pinsync::service {

// Declaration order is destruction order reversed: the connector goes first, the clients it
// uses after it, the metrics endpoint last.
struct ConnectorService::Parts {
  config::Config config;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<metrics::StatusBoard> status_board = std::make_shared<metrics::StatusBoard>();
  std::unique_ptr<metrics::MetricsServer> metrics_server;
  std::optional<connector::ConnectorStats> stats;
  std::optional<decode::DecoderStats> decoder_stats;
  std::optional<identity::IdentityStats> identity_stats;
  std::optional<aggregate::AggregatorStats> aggregator_stats;
  std::optional<offsets::FrontierStats> frontier_stats;
  std::unique_ptr<registry::KafkaListRegistry> list_registry;  // outlives the sink
  pinterest::BatchSinkPtr sink;
  std::unique_ptr<kafka::KafkaDeadLetterProducer> dead_letters;
  std::unique_ptr<kafka::KafkaMessageSource> source;
  std::unique_ptr<connector::SyncPipeline> pipeline;
  std::unique_ptr<StatusPublisher> status;
  std::unique_ptr<connector::Connector> connector;
};

Result<std::unique_ptr<ConnectorService>> ConnectorService::Create(config::Config config,
                                                                   ServiceOptions options) {
  auto parts = std::make_unique<Parts>();
  parts->config = std::move(config);
  const config::Config& cfg = parts->config;
  auto& registry = *parts->registry;
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  metrics::RegisterBuildInfo(registry, kVersion, ActiveAllocator(), started);
  if (options.serve_metrics) {
    auto server =
        metrics::MetricsServer::Start(cfg.metrics.listen, parts->registry, parts->status_board);
    if (!server.ok()) return MakeError(server.error().message);
    parts->metrics_server = std::move(server.value());
  }
  // A digest the OpenSSL provider refuses (e.g. MD5 under FIPS) must fail here, not mid-stream.
  if (auto usable = identity::CheckHashAlgorithm(cfg.identifiers.hash_algorithm); !usable.ok()) {
    return MakeError("identifiers.hash_algorithm: " + usable.error().message);
  }
  parts->stats.emplace(connector::ConnectorStats::Create(registry));
  parts->decoder_stats.emplace(decode::DecoderStats::Create(registry));
  parts->identity_stats.emplace(identity::IdentityStats::Create(registry));
  parts->aggregator_stats.emplace(aggregate::AggregatorStats::Create(registry));
  parts->frontier_stats.emplace(offsets::FrontierStats::Create(registry));

  pinterest::SinkOptions sink_options;
  if (!cfg.kafka.registry_topic.empty()) {
    registry::RegistryOptions registry_options;
    registry_options.topic = cfg.kafka.registry_topic;
    registry_options.claim_timeout = registry::ClaimTimeoutFor(cfg);
    registry_options.create_window = registry::CreateWindowFor(cfg);
    if (cfg.pinterest.UsesRefreshFlow()) {
      registry_options.app_id = cfg.pinterest.app_id;
      registry_options.app_secret = cfg.pinterest.app_secret;
    }
    auto list_registry = registry::KafkaListRegistry::Create(cfg.kafka, std::move(registry_options),
                                                             SystemClock::Instance(), &registry);
    if (!list_registry.ok()) {
      return MakeError("kafka registry (kafka.registry_topic): " + list_registry.error().message);
    }
    parts->list_registry = std::move(list_registry.value());
    sink_options.registry = parts->list_registry.get();
    if (cfg.pinterest.UsesRefreshFlow()) sink_options.lineage = parts->list_registry.get();
  }
  auto sink = pinterest::MakePinterestBatchSink(cfg, SystemClock::Instance(), &registry,
                                                std::move(sink_options));
  if (!sink.ok()) return MakeError("pinterest: " + sink.error().message);
  parts->sink = std::move(sink.value());

  if (!cfg.kafka.dead_letter_topic.empty()) {
    auto producer =
        kafka::KafkaDeadLetterProducer::Create(cfg.kafka, SystemClock::Instance(), &registry);
    if (!producer.ok()) return MakeError("kafka dead-letter producer: " + producer.error().message);
    parts->dead_letters = std::move(producer.value());
  }
  kafka::ConsumerOptions consumer_options;
  consumer_options.registry = &registry;
  config::KafkaConfig consumer_config = cfg.kafka;
  consumer_config.topics = cfg.ConsumedTopics();  // kafka.topics and the inputs: topics
  auto source = kafka::KafkaMessageSource::Create(consumer_config, consumer_options);
  if (!source.ok()) return MakeError("kafka consumer: " + source.error().message);
  parts->source = std::move(source.value());

  parts->pipeline = std::make_unique<connector::SyncPipeline>(
      cfg, SystemClock::Instance(), *parts->sink, parts->dead_letters.get(),
      connector::PipelineStats{&*parts->stats, &*parts->decoder_stats, &*parts->identity_stats,
                               &*parts->aggregator_stats, &*parts->frontier_stats, &registry});
  parts->status =
      std::make_unique<StatusPublisher>(cfg, SystemClock::Instance(), *parts->pipeline,
                                        *parts->sink, registry, *parts->status_board, started);
  parts->connector = std::make_unique<connector::Connector>(
      cfg, SystemClock::Instance(), *parts->source, *parts->pipeline, &*parts->stats);
  return std::unique_ptr<ConnectorService>(new ConnectorService(std::move(parts)));
}

ConnectorService::ConnectorService(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

ConnectorService::~ConnectorService() {
  if (parts_ && parts_->sink) parts_->sink->Stop();
}

connector::StopReason ConnectorService::Run(const std::atomic<bool>& stop) {
  // The status snapshot is assembled on this (the consumer) thread, about once a second.
  parts_->connector->SetStepObserver([this](bool stopping) {
    if (stopping) parts_->status_board->SetShuttingDown(true);
    parts_->status->MaybePublish();
  });
  auto reason = parts_->connector->Run(stop);
  parts_->status->Publish();  // the final figures stay on the page while the process lingers
  parts_->sink->Stop();
  if (parts_->dead_letters) {
    if (auto flushed = parts_->dead_letters->Flush(std::chrono::seconds(5)); !flushed.ok()) {
      spdlog::warn("dead-letter producer: {}", flushed.error().message);
    }
  }
  return reason;
}

const connector::PipelineCounters& ConnectorService::counters() const {
  return parts_->pipeline->counters();
}

uint16_t ConnectorService::metrics_port() const {
  return parts_->metrics_server ? parts_->metrics_server->port() : 0;
}

std::shared_ptr<prometheus::Registry> ConnectorService::registry() const {
  return parts_->registry;
}

}  // namespace pinsync::service
