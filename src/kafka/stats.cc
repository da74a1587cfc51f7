// Metric families of the Kafka layer.

#include "pinsync/kafka/stats.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

namespace pinsync::kafka {
namespace {

prometheus::Counter& MakeCounter(prometheus::Registry& registry, const std::string& name,
                                 const std::string& help, const prometheus::Labels& labels = {}) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add(labels);
}

prometheus::Gauge& MakeGauge(prometheus::Registry& registry, const std::string& name,
                             const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

ConsumerStats ConsumerStats::Create(prometheus::Registry& registry) {
  auto& commits = prometheus::BuildCounter()
                      .Name("pinsync_kafka_commits_total")
                      .Help("Offset commits to the consumer group, by outcome")
                      .Register(registry);
  auto& partitions = prometheus::BuildCounter()
                         .Name("pinsync_kafka_partition_changes_total")
                         .Help("Partitions assigned, revoked or lost in rebalances")
                         .Register(registry);
  return ConsumerStats{
      MakeCounter(registry, "pinsync_kafka_messages_consumed_total",
                  "Messages handed to the connector by the Kafka consumer"),
      commits.Add({{"outcome", "ok"}}),
      commits.Add({{"outcome", "failed"}}),
      partitions.Add({{"change", "assigned"}}),
      partitions.Add({{"change", "revoked"}}),
      partitions.Add({{"change", "lost"}}),
      MakeCounter(registry, "pinsync_kafka_rebalances_total",
                  "Rebalance callbacks served (assign, revoke or lost)"),
      MakeCounter(registry, "pinsync_kafka_transient_errors_total",
                  "Consumer errors librdkafka recovers from by itself (broker down, fetch errors)"),
      MakeGauge(registry, "pinsync_kafka_assigned_partitions",
                "Partitions currently assigned to this consumer"),
      MakeGauge(registry, "pinsync_kafka_consumer_lag_messages",
                "Messages behind the high watermark, summed over assigned partitions"),
  };
}

DeadLetterStats DeadLetterStats::Create(prometheus::Registry& registry) {
  auto& letters = prometheus::BuildCounter()
                      .Name("pinsync_kafka_dead_letters_total")
                      .Help(
                          "Dead-letter copies, by stage: produced (enqueued), acknowledged by "
                          "the cluster, failed permanently (retried by the connector)")
                      .Register(registry);
  return DeadLetterStats{
      letters.Add({{"stage", "produced"}}),
      letters.Add({{"stage", "acknowledged"}}),
      letters.Add({{"stage", "failed"}}),
  };
}

}  // namespace pinsync::kafka
