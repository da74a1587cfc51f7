#pragma once
// The consumer thread's core: message in -> decode -> normalize -> aggregate -> delivery, and
// outcomes back -> offset frontier. It owns no I/O handles: Kafka reads and commits belong to
// the Connector around it, delivery to the BatchSink, dead letters to the DeadLetterProducer,
// all passed in, so every rule here is unit-tested with fakes and a ManualClock.
//
// Guarantees it keeps:
//  * An offset becomes committable only after everything at or below it is settled: its records'
//    batches acknowledged by Pinterest, or its dead-letter copies acknowledged by Kafka.
//  * A rejected message is dead-lettered (or counted and skipped with no dead-letter topic);
//    a batch Pinterest failed permanently is dead-lettered record by record.
//  * Memory stays bounded: past pipeline.max_buffered_records the largest batches are flushed
//    early; past pipeline.max_in_flight_records ShouldPause() asks the caller to pause fetching.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pinsync/aggregate/aggregator_stats.h"
#include "pinsync/aggregate/audience_aggregator.h"
#include "pinsync/common/clock.h"
#include "pinsync/config/config.h"
#include "pinsync/connector/audience_stats.h"
#include "pinsync/connector/connector_stats.h"
#include "pinsync/decode/decoder_set.h"
#include "pinsync/identity/identifier_normalizer.h"
#include "pinsync/kafka/consumed_message.h"
#include "pinsync/kafka/dead_letter_producer.h"
#include "pinsync/kafka/message_source.h"
#include "pinsync/offsets/frontier_stats.h"
#include "pinsync/offsets/offset_frontier.h"
#include "pinsync/offsets/partition_table.h"
#include "pinsync/pinterest/batch_sink.h"

namespace pinsync::connector {

// Totals for the demo's table and for tests; the metrics carry the same figures.
struct PipelineCounters {
  uint64_t messages = 0;
  uint64_t messages_dead_lettered = 0;
  uint64_t messages_skipped = 0;
  uint64_t batches_submitted = 0;
  uint64_t batches_acknowledged = 0;
  uint64_t batches_failed = 0;
  uint64_t records_rejected = 0;
  uint64_t dead_letters_produced = 0;
  uint64_t dead_letters_acknowledged = 0;
  uint64_t records_withdrawn = 0;
};

// The metrics of every stage the pipeline drives; any may be null (tests).
struct PipelineStats {
  ConnectorStats* connector = nullptr;
  decode::DecoderStats* decoder = nullptr;
  identity::IdentityStats* identity = nullptr;
  aggregate::AggregatorStats* aggregator = nullptr;
  offsets::FrontierStats* frontier = nullptr;
  // Where the per-audience series go (AudienceStats); null: tallies only.
  prometheus::Registry* registry = nullptr;
};

class SyncPipeline {
 public:
  // `dead_letters` may be null: no dead-letter topic, rejected work is counted and skipped.
  SyncPipeline(const config::Config& config, const Clock& clock, pinterest::BatchSink& sink,
               kafka::DeadLetterProducer* dead_letters, PipelineStats stats = {});
  ~SyncPipeline();
  SyncPipeline(const SyncPipeline&) = delete;
  SyncPipeline& operator=(const SyncPipeline&) = delete;

  // Assignment changes, from the consumer's rebalance callbacks.
  //
  // Ordering across owners (the invariant: for any record, Pinterest applies its changes in the
  // order they appear in its partition). A partition that leaves this member is withdrawn from
  // delivery at once (DropBuffered / Forget): no request carrying its records starts afterwards,
  // so only requests already on the wire can still land, within pinterest.request_timeout. A
  // partition that arrives here (Assign) is embargoed for config.PartitionHandoffDelay(): its
  // records go out in batches whose not_before is past the embargo, by when every request of
  // the previous owner has landed or timed out, even one that had not yet noticed it lost the
  // partition (session.timeout.ms). docs/pinterest.md, "Ordering across owners".
  void Assign(const std::vector<TopicPartition>& partitions);
  // Drops the partitions' records from open batches and withdraws them from every batch in
  // delivery (the next owner replays them). Call before committing them; then Forget.
  void DropBuffered(const std::vector<TopicPartition>& partitions);
  // True while an in-flight batch or unacknowledged dead-letter copy holds one of them.
  bool HoldsAny(const std::vector<TopicPartition>& partitions) const;
  // Stops tracking the partitions: buffered records are dropped and withdrawn from delivery,
  // their holds are dropped, later outcomes ignore them.
  void Forget(const std::vector<TopicPartition>& partitions);
  // Partitions still embargoed after a handoff (see Assign).
  size_t embargoed_partitions() const;
  // pinterest.requests_per_minute is the budget of the whole group: this member takes the share
  // of its assigned partitions among the `total` of the subscribed topics (0: unknown, keep the
  // last share). Call after assignment changes.
  void SetGroupPartitionCount(size_t total);

  // One consumed message. Messages of partitions not assigned are ignored.
  void OnMessage(const kafka::ConsumedMessage& message);

  // Hands due batches to delivery, settles finished deliveries and dead-letter copies. Cheap
  // when nothing is due; call it after every poll. Returns true if anything was settled.
  bool Pump();
  // Flushes every open batch to delivery (shutdown).
  void FlushAll();
  // Waits up to `timeout` for something for Pump to settle, for callers with nothing else to do
  // (shutdown, revocation): a delivery outcome ends the wait at once. Dead-letter copies being
  // acknowledged have no such signal, so while any is awaited the wait is one poll interval.
  // True if outcomes are ready.
  bool AwaitSettlement(Duration timeout);

  // Offsets to commit (Kafka convention: next offset to read). Changed: only partitions whose
  // committable offset advanced since the last call. All: every assigned partition's.
  kafka::OffsetList TakeCommittableChanges();
  kafka::OffsetList CommittableFor(const std::vector<TopicPartition>& partitions) const;
  kafka::OffsetList AllCommittable() const;

  // Backpressure with hysteresis: true from max_in_flight_records until it drains to half.
  bool ShouldPause();
  // Nothing buffered, in flight, or waiting for a dead-letter acknowledgement.
  bool Quiescent() const;
  std::optional<SteadyTime> NextDeadline() const { return aggregator_.NextDeadline(); }

  size_t buffered_records() const { return aggregator_.buffered_records(); }
  size_t in_flight_batches() const { return in_flight_.size(); }
  size_t pending_dead_letter_groups() const { return settlements_.size(); }
  const PipelineCounters& counters() const { return counters_; }
  const aggregate::AggregatorCounters& aggregator_counters() const {
    return aggregator_.counters();
  }
  // True once the consumer group gave this member an assignment (even an empty one).
  bool joined() const { return joined_; }
  // The share of pinterest.requests_per_minute last given to the sink (SetGroupPartitionCount).
  double budget_share() const { return budget_share_; }
  size_t assigned_partitions() const { return frontier_.assigned_partitions().size(); }
  // Recomputes the per-audience pending figures and publishes every per-audience metric. Run by
  // Pump when batches moved and at least once a second; public for tests and the status page.
  void RefreshAudienceStats();
  // Per audience and list type, as of the last RefreshAudienceStats (pending figures) and now
  // (everything else).
  std::vector<AudienceRow> AudienceRows() const { return audiences_.Rows(clock_.Now()); }
  const AudienceStats& audience_stats() const { return audiences_; }

 private:
  using Holds = std::vector<std::pair<aggregate::PartitionId, int64_t>>;
  // One dead-letter copy kept until Kafka acknowledges it, so it can be produced again.
  struct Letter {
    TopicPartition source;
    int64_t offset = 0;
    std::string key;
    std::string value;
    std::string reason;
  };
  // Offsets held until every letter of the group is acknowledged.
  struct Settlement {
    Holds holds;
    size_t outstanding = 0;
  };
  struct InFlight {
    Holds holds;
    SteadyTime submitted_at;
    size_t records = 0;
    AudienceStats::Series* audience = nullptr;
    ListType list_type = ListType::kEmail;
    SteadyTime opened_at;  // of its oldest change: the pending age
  };

  void DeadLetterMessage(const kafka::ConsumedMessage& message, aggregate::PartitionId partition,
                         std::string_view reason);
  // A record to dead-letter, its change and why.
  struct RecordLetter {
    aggregate::BatchRecord record;
    MembershipOp op = MembershipOp::kAdd;
    std::string_view reason;
  };
  using RecordOps = std::vector<RecordLetter>;
  void DeadLetterRecords(const aggregate::Batch& batch, const RecordOps& records, Holds holds);
  void CountSettledRecords(const pinterest::DeliveryOutcome& outcome, const aggregate::Batch& batch,
                           const InFlight& flight);
  void StartSettlement(std::vector<Letter> letters, Holds holds);
  void ProduceLetter(uint64_t token);
  void Submit(std::vector<aggregate::Batch> batches);
  bool SettleDeliveries();
  bool SettleDeadLetters();
  void ReleaseHolds(const Holds& holds);
  void WithdrawFromDelivery(const std::vector<aggregate::PartitionId>& partitions);
  SteadyTime EmbargoFor(const aggregate::Batch& batch);
  void UpdateGauges();

  const config::Config& config_;
  const Clock& clock_;
  pinterest::BatchSink& sink_;
  kafka::DeadLetterProducer* dead_letters_;
  PipelineStats all_stats_;
  ConnectorStats* stats_;

  decode::DecoderSet decoders_;  // by topic: native, segment, mapped or avro
  identity::IdentifierNormalizer normalizer_;
  // OnMessage's, reused from message to message: no allocation per message once warm.
  decode::MembershipEvent event_;
  aggregate::ListKey list_key_;
  identity::NormalizedIdentifiers normalized_;
  aggregate::AudienceAggregator aggregator_;
  offsets::PartitionTable partitions_;
  offsets::OffsetFrontier frontier_;

  std::map<uint64_t, InFlight> in_flight_;  // by batch id
  // Partitions that moved here, until when their records may not be sent (see Assign).
  std::map<aggregate::PartitionId, SteadyTime> embargo_until_;
  size_t in_flight_records_ = 0;
  // Dead-letter copies by token, and the settlement group each belongs to.
  std::map<uint64_t, std::pair<Letter, uint64_t>> letters_;
  std::map<uint64_t, Settlement> settlements_;
  std::deque<uint64_t> unsent_letters_;  // Produce refused (queue full): retried by Pump
  uint64_t next_token_ = 1;
  uint64_t next_settlement_ = 1;
  bool paused_ = false;
  PipelineCounters counters_;
  uint64_t unpublished_accepted_ = 0;  // messages_accepted not yet added to the metric
  AudienceStats audiences_;
  bool audience_batches_moved_ = false;  // pending figures are stale
  std::optional<SteadyTime> audiences_refreshed_at_;
  bool joined_ = false;
  double budget_share_ = 1.0;
};

}  // namespace pinsync::connector
