#include "pinsync/connector/connector_stats.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

namespace pinsync::connector {

ConnectorStats ConnectorStats::Create(prometheus::Registry& registry) {
  auto& messages = prometheus::BuildCounter()
                       .Name("pinsync_connector_messages_total")
                       .Help("Consumed Kafka messages by what became of them")
                       .Register(registry);
  auto& dead_letters =
      prometheus::BuildCounter()
          .Name("pinsync_connector_dead_letters_total")
          .Help("Dead-letter copies produced (or skipped without a topic), by reason")
          .Register(registry);
  auto& completed = prometheus::BuildCounter()
                        .Name("pinsync_connector_batches_completed_total")
                        .Help("Batches whose delivery finished, by outcome")
                        .Register(registry);
  auto& rejected = prometheus::BuildCounter()
                       .Name("pinsync_connector_records_rejected_total")
                       .Help("Records Pinterest rejected permanently (dead-lettered)")
                       .Register(registry);
  auto& batch_records = prometheus::BuildHistogram()
                            .Name("pinsync_connector_batch_records")
                            .Help("Records per flushed batch")
                            .Register(registry);
  auto& ack_latency = prometheus::BuildHistogram()
                          .Name("pinsync_connector_ack_latency_seconds")
                          .Help("Time from a batch's flush to Pinterest's acknowledgement")
                          .Register(registry);
  auto gauge = [&registry](const char* name, const char* help) -> prometheus::Gauge& {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
  };
  auto& rebalances = prometheus::BuildCounter()
                         .Name("pinsync_connector_rebalances_total")
                         .Help("Partition assignment changes seen (assigned or revoked)")
                         .Register(registry);
  auto& withdrawn = prometheus::BuildCounter()
                        .Name("pinsync_connector_records_withdrawn_total")
                        .Help(
                            "Unsent records taken back from delivery when their partition left "
                            "this member")
                        .Register(registry);
  return ConnectorStats{
      .messages_accepted = messages.Add({{"result", "accepted"}}),
      .messages_dead_lettered = messages.Add({{"result", "dead_lettered"}}),
      .messages_skipped = messages.Add({{"result", "skipped"}}),
      .messages_not_owned = messages.Add({{"result", "not_owned"}}),
      .dead_letters = dead_letters,
      .batches_acknowledged = completed.Add({{"status", "acknowledged"}}),
      .batches_failed = completed.Add({{"status", "failed"}}),
      .records_rejected = rejected.Add({}),
      .batch_records = batch_records.Add(
          {}, prometheus::Histogram::BucketBoundaries{1, 10, 100, 1000, 1900, 10000, 50000, 100000,
                                                      500000}),
      .ack_latency = ack_latency.Add(
          {}, prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300,
                                                      1800, 3600, 14400}),
      .in_flight_records = gauge("pinsync_connector_in_flight_records",
                                 "Records handed to delivery and not yet acknowledged"),
      .held_offsets =
          gauge("pinsync_connector_held_offsets", "Offset holds keeping the commit frontier back"),
      .paused_partitions =
          gauge("pinsync_connector_paused_partitions", "Partitions paused by backpressure"),
      .assigned_partitions =
          gauge("pinsync_connector_assigned_partitions", "Partitions assigned to this member"),
      .rebalances = rebalances.Add({}),
      .records_withdrawn = withdrawn.Add({}),
      .embargoed_partitions =
          gauge("pinsync_connector_handoff_embargoed_partitions",
                "Partitions that moved here and wait out their previous owner's requests"),
  };
}

}  // namespace pinsync::connector
