// Kafka layer throughput on the embedded mock cluster (loopback): producing keyed events with
// EventProducer, and consuming them through KafkaMessageSource::Poll one message at a time, the
// way the connector does. The mock cluster shares the machine's cores with the client, so these
// are lower bounds for a real cluster, not its numbers.

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>

#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/kafka_message_source.h"
#include "pinsync/kafka/mock_cluster.h"

namespace pinsync::kafka {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 8;
constexpr int kMessages = 200'000;

std::string EventValue(int i) {
  // About the size of a real membership event (~130 bytes of JSON).
  return R"({"audience_id":"aud-)" + std::to_string(i % 20) + R"(","op":"add","email":"user)" +
         std::to_string(i) + R"(@example.com","ts":1700000000000})";
}

bool ProduceAll(EventProducer& producer, const std::string& topic, int count) {
  for (int i = 0; i < count; ++i) {
    if (!producer.Produce(topic, "user-" + std::to_string(i % 50'000), EventValue(i)).ok()) {
      return false;
    }
  }
  return producer.Flush(60s).ok();
}

void BM_ProduceKeyedEvents(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  auto cluster = MockKafkaCluster::Start(3);
  auto producer = EventProducer::Create((*cluster)->bootstraps());
  int round = 0;
  for (auto _ : state) {
    const std::string topic = "produce-" + std::to_string(round++);
    (void)(*cluster)->CreateTopic(topic, kPartitions);
    if (!ProduceAll(**producer, topic, kMessages)) state.SkipWithError("produce failed");
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}
BENCHMARK(BM_ProduceKeyedEvents)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_ConsumeThroughMessageSource(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  auto cluster = MockKafkaCluster::Start(3);
  (void)(*cluster)->CreateTopic("events", kPartitions);
  {
    auto producer = EventProducer::Create((*cluster)->bootstraps());
    if (!ProduceAll(**producer, "events", kMessages)) state.SkipWithError("produce failed");
  }
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();  // joining the group is not throughput
    config::KafkaConfig config;
    config.bootstrap_servers = (*cluster)->bootstraps();
    config.group_id = "bench-" + std::to_string(round++);
    config.topics = {"events"};
    config.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "300"}};
    auto source = KafkaMessageSource::Create(config);
    for (int i = 0; i < 300 && (*source)->Assignment().size() < kPartitions; ++i) {
      (void)(*source)->Poll(100ms);
    }
    state.ResumeTiming();
    int consumed = 0;
    size_t bytes = 0;
    for (int empty = 0; consumed < kMessages && empty < 100;) {
      auto message = (*source)->Poll(100ms);
      if (!message.ok()) break;
      if (*message) {
        ++consumed;
        bytes += (*message)->value().size();
      } else {
        ++empty;
      }
    }
    if (consumed != kMessages) state.SkipWithError("did not consume everything");
    benchmark::DoNotOptimize(bytes);
    state.PauseTiming();
    (*source)->Close();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}
BENCHMARK(BM_ConsumeThroughMessageSource)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace pinsync::kafka
BENCHMARK_MAIN();
