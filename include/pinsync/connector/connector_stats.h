#pragma once
// Connector metrics: the data path's flow and backlog. Labels are fixed strings only.
// Commit outcomes are counted by the Kafka layer (pinsync_kafka_commits_total).
// Buffering and flushes are the aggregator's own metrics (aggregate/aggregator_stats.h).

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace pinsync::connector {

struct ConnectorStats {
  // pinsync_connector_messages_total{result}: what became of each consumed message.
  prometheus::Counter& messages_accepted;       // result="accepted": at least one record buffered
  prometheus::Counter& messages_dead_lettered;  // result="dead_lettered"
  prometheus::Counter& messages_skipped;        // result="skipped": rejected, no dead-letter topic
  prometheus::Counter& messages_not_owned;      // result="not_owned": polled after revocation
  // pinsync_connector_dead_letters_total{reason}: copies produced (per message or record).
  prometheus::Family<prometheus::Counter>& dead_letters;
  // pinsync_connector_batches_completed_total{status}
  prometheus::Counter& batches_acknowledged;
  prometheus::Counter& batches_failed;
  prometheus::Counter& records_rejected;   // pinsync_connector_records_rejected_total
  prometheus::Histogram& batch_records;    // pinsync_connector_batch_records
  prometheus::Histogram& ack_latency;      // pinsync_connector_ack_latency_seconds
  prometheus::Gauge& in_flight_records;    // pinsync_connector_in_flight_records
  prometheus::Gauge& held_offsets;         // pinsync_connector_held_offsets
  prometheus::Gauge& paused_partitions;    // pinsync_connector_paused_partitions
  prometheus::Gauge& assigned_partitions;  // pinsync_connector_assigned_partitions
  prometheus::Counter& rebalances;         // pinsync_connector_rebalances_total
  // pinsync_connector_records_withdrawn_total: unsent records taken back from delivery because
  // their partition left this member (the next owner sends them).
  prometheus::Counter& records_withdrawn;
  // pinsync_connector_handoff_embargoed_partitions: partitions that just moved here, whose
  // records wait until their previous owner's requests can no longer land.
  prometheus::Gauge& embargoed_partitions;

  prometheus::Counter& DeadLetter(std::string_view reason) {
    return dead_letters.Add({{"reason", std::string(reason)}});
  }

  static ConnectorStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::connector
