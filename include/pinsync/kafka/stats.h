#pragma once
// Prometheus metrics of the Kafka layer. Labels carry only bounded values (outcome kinds), never
// topics of unbounded cardinality, keys or group members.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace pinsync::kafka {

struct ConsumerStats {
  prometheus::Counter& messages_consumed;
  prometheus::Counter& commits_ok;
  prometheus::Counter& commits_failed;
  prometheus::Counter& partitions_assigned;  // cumulative, one per partition per assignment
  prometheus::Counter& partitions_revoked;
  prometheus::Counter& partitions_lost;
  prometheus::Counter& rebalances;
  prometheus::Counter& transient_errors;  // broker down, fetch errors: librdkafka retries them
  prometheus::Gauge& assigned_partitions;
  prometheus::Gauge& lag_messages;  // sum over assigned partitions of (high watermark - position)

  static ConsumerStats Create(prometheus::Registry& registry);
};

struct DeadLetterStats {
  prometheus::Counter& produced;
  prometheus::Counter& acknowledged;
  prometheus::Counter& failed;  // delivery failed permanently; the caller retries

  static DeadLetterStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::kafka
