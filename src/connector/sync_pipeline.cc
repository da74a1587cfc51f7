#include "pinsync/connector/sync_pipeline.h"

#include <absl/container/flat_hash_set.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "pinsync/common/log_fields.h"

namespace pinsync::connector {
namespace {

// A dead-letter value for one record of a batch Pinterest did not take: the hash (never
// plaintext: the original message is long gone) and where it was going.
std::string RecordLetterValue(const aggregate::Batch& batch, const aggregate::BatchRecord& record,
                              MembershipOp op) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("audience_id");
  w.String(batch.key.audience_id.c_str());
  w.Key("ad_account_id");
  w.String(batch.key.ad_account_id.c_str());
  w.Key("list_type");
  std::string_view type = ToString(batch.key.list_type);
  w.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  w.Key("op");
  std::string_view op_name = ToString(op);
  w.String(op_name.data(), static_cast<rapidjson::SizeType>(op_name.size()));
  w.Key("hash");
  std::string hex = record.id.Hex();
  w.String(hex.c_str(), static_cast<rapidjson::SizeType>(hex.size()));
  w.EndObject();
  return buffer.GetString();
}

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Per-audience errored reasons for records Pinterest did not take (see the metrics contract).
constexpr std::string_view kRejectedReason = "rejected";
constexpr std::string_view kListFullReason = "list_full";
constexpr std::string_view kFailedReason = "failed";  // a failure that named no reason
// How often the per-audience figures are published when no batch moved (the ages still grow).
constexpr auto kAudienceRefreshInterval = std::chrono::seconds(1);

}  // namespace

SyncPipeline::SyncPipeline(const config::Config& config, const Clock& clock,
                           pinterest::BatchSink& sink, kafka::DeadLetterProducer* dead_letters,
                           PipelineStats stats)
    : config_(config),
      clock_(clock),
      sink_(sink),
      dead_letters_(dead_letters),
      all_stats_(stats),
      stats_(stats.connector),
      decoders_(config, stats.decoder),
      normalizer_(config.identifiers.hash_algorithm, stats.identity),
      aggregator_(aggregate::BatchingPolicyFrom(config), clock),
      audiences_(config.metrics.max_audience_series, stats.registry) {}

SyncPipeline::~SyncPipeline() = default;

void SyncPipeline::Assign(const std::vector<TopicPartition>& partitions) {
  const SteadyTime until = clock_.Now() + config_.PartitionHandoffDelay();
  joined_ = true;
  for (const auto& tp : partitions) {
    const aggregate::PartitionId id = partitions_.Intern(tp);
    frontier_.Assign(id);
    // Whoever had it may still have requests on the wire, or not know yet that it lost it.
    embargo_until_[id] = until;
  }
  UpdateGauges();
}

void SyncPipeline::SetGroupPartitionCount(size_t total) {
  if (total == 0) return;
  const size_t mine = frontier_.assigned_partitions().size();
  budget_share_ = static_cast<double>(std::min(mine, total)) / static_cast<double>(total);
  sink_.SetBudgetShare(budget_share_);
}

size_t SyncPipeline::embargoed_partitions() const {
  const SteadyTime now = clock_.Now();
  return static_cast<size_t>(std::count_if(embargo_until_.begin(), embargo_until_.end(),
                                           [now](const auto& e) { return e.second > now; }));
}

SteadyTime SyncPipeline::EmbargoFor(const aggregate::Batch& batch) {
  SteadyTime not_before{};
  // lowest_offsets names every partition that contributed a change to the batch.
  for (const auto& [partition, offset] : batch.lowest_offsets) {
    auto it = embargo_until_.find(partition);
    if (it != embargo_until_.end()) not_before = std::max(not_before, it->second);
  }
  return not_before;
}

void SyncPipeline::WithdrawFromDelivery(const std::vector<aggregate::PartitionId>& partitions) {
  if (partitions.empty()) return;
  size_t withdrawn = 0;
  if (!sink_.Withdraw(partitions, &withdrawn)) {
    // Not confirmed in time by the delivery thread (stuck in a callback?): the handoff delay on
    // the next owner's side still covers a request started meanwhile, within request_timeout.
    spdlog::error("delivery did not confirm withdrawing {} partition(s) in time",
                  partitions.size());
  }
  counters_.records_withdrawn += withdrawn;
  if (stats_) stats_->records_withdrawn.Increment(static_cast<double>(withdrawn));
  if (withdrawn > 0) {
    spdlog::info(
        "withdrew {} unsent record(s) of {} partition(s) from delivery; their next "
        "owner sends them",
        withdrawn, partitions.size());
  }
}

void SyncPipeline::DropBuffered(const std::vector<TopicPartition>& partitions) {
  std::vector<aggregate::PartitionId> ids;
  for (const auto& tp : partitions) {
    auto id = partitions_.Find(tp);
    if (!id) continue;
    // The dropped records' holds stay in the frontier until Forget, so nothing at or past the
    // lowest dropped offset is committed: the next owner must replay it.
    aggregator_.DropPartition(*id);
    ids.push_back(*id);
  }
  audience_batches_moved_ = true;
  WithdrawFromDelivery(ids);
  UpdateGauges();
}

bool SyncPipeline::HoldsAny(const std::vector<TopicPartition>& partitions) const {
  std::set<aggregate::PartitionId> ids;
  for (const auto& tp : partitions) {
    if (auto id = partitions_.Find(tp)) ids.insert(*id);
  }
  auto holds_one = [&ids](const Holds& holds) {
    return std::any_of(holds.begin(), holds.end(),
                       [&ids](const auto& hold) { return ids.contains(hold.first); });
  };
  for (const auto& [_, flight] : in_flight_) {
    if (holds_one(flight.holds)) return true;
  }
  for (const auto& [_, settlement] : settlements_) {
    if (holds_one(settlement.holds)) return true;
  }
  return false;
}

void SyncPipeline::Forget(const std::vector<TopicPartition>& partitions) {
  std::vector<aggregate::PartitionId> ids;
  for (const auto& tp : partitions) {
    auto id = partitions_.Find(tp);
    if (!id) continue;
    ids.push_back(*id);
    aggregator_.DropPartition(*id);
    frontier_.Revoke(*id);
    embargo_until_.erase(*id);
    // Batches still in delivery lose p's records below; their holds of p must not release
    // holds of a later assignment of p.
    auto of_p = [p = *id](const auto& hold) { return hold.first == p; };
    for (auto& [_, flight] : in_flight_) std::erase_if(flight.holds, of_p);
    for (auto& [_, settlement] : settlements_) std::erase_if(settlement.holds, of_p);
  }
  audience_batches_moved_ = true;
  // Lost partitions come here without DropBuffered; for revoked ones this withdraws nothing new.
  WithdrawFromDelivery(ids);
  UpdateGauges();
}

void SyncPipeline::OnMessage(const kafka::ConsumedMessage& message) {
  const aggregate::PartitionId partition = partitions_.Intern(message.tp());
  if (!frontier_.assigned(partition)) {
    if (stats_) stats_->messages_not_owned.Increment();
    return;
  }
  ++counters_.messages;
  decode::MembershipEvent& event = event_;  // reused: no strings allocated per message
  const decode::DecodeStatus status =
      decoders_.DecodeInto(message.tp().topic, message.key(), message.value(), event);
  if (status.skipped()) {  // not about audiences (counted by the decoder stats): nothing to hold
    frontier_.Consumed(partition, message.offset());
    return;
  }
  if (!status.ok()) {
    DeadLetterMessage(message, partition, decode::Reason(status.error().code));
    frontier_.Consumed(partition, message.offset());
    return;
  }
  identity::NormalizedIdentifiers& ids = normalized_;  // reused: no vectors allocated per message
  normalizer_.Normalize(event.identifiers, ids);
  AudienceStats::Series& audience = audiences_.For(event.audience_id);
  if (ids.empty()) {
    audiences_.CountNotSynced(audience, ids.FirstInvalidReason());
    DeadLetterMessage(message, partition, ids.FirstInvalidReason());
    frontier_.Consumed(partition, message.offset());
    return;
  }
  // Some identifiers were dropped, the rest go on: the dropped ones are not synced.
  if (ids.first_invalid) audiences_.CountNotSynced(audience, ids.FirstInvalidReason());
  const std::string& account = config_.AdAccountFor(event.audience_id);
  for (ListType type : {ListType::kEmail, ListType::kMaid}) {
    const auto& hashes = ids.For(type);
    if (hashes.empty()) continue;
    audiences_.CountChange(audience, type, event.op, hashes.size());
    aggregate::ListKey& key = list_key_;  // reused: assigning keeps the strings' buffers
    key.ad_account_id.assign(account);
    key.audience_id.assign(event.audience_id);
    key.list_type = type;
    for (const HashedId& id : hashes) {
      aggregate::HoldChange change =
          aggregator_.Add(key, event.audience_name, id, event.op, partition, message.offset());
      if (change.hold) frontier_.Hold(partition, *change.hold);
      if (change.release) frontier_.Release(partition, *change.release);
    }
  }
  frontier_.Consumed(partition, message.offset());
  ++unpublished_accepted_;  // published by UpdateGauges (every Pump): one atomic per poll batch

  if (aggregator_.buffered_records() > config_.pipeline.max_buffered_records) {
    // Unmerged repeats count until their batches merge: merging first may bring the buffer back
    // under the limit, and then nothing goes out early in a smaller request than it could be.
    aggregator_.MergeAll();
    if (aggregator_.buffered_records() > config_.pipeline.max_buffered_records) {
      Submit(aggregator_.FlushLargestUntil(config_.pipeline.max_buffered_records * 3 / 4));
    }
  }
}

void SyncPipeline::DeadLetterMessage(const kafka::ConsumedMessage& message,
                                     aggregate::PartitionId partition, std::string_view reason) {
  if (stats_) stats_->DeadLetter(reason).Increment();
  if (dead_letters_ == nullptr) {
    ++counters_.messages_skipped;
    if (stats_) stats_->messages_skipped.Increment();
    const LogFields log_fields{{"topic", message.tp().topic},
                               {"partition", std::to_string(message.tp().partition)}};
    spdlog::warn("skipped a message from {}[{}] at offset {}: {} (no dead-letter topic set)",
                 message.tp().topic, message.tp().partition, message.offset(), reason);
    return;
  }
  ++counters_.messages_dead_lettered;
  if (stats_) stats_->messages_dead_lettered.Increment();
  frontier_.Hold(partition, message.offset());
  StartSettlement({Letter{message.tp(), message.offset(), std::string(message.key()),
                          std::string(message.value()), std::string(reason)}},
                  {{partition, message.offset()}});
}

void SyncPipeline::DeadLetterRecords(const aggregate::Batch& batch, const RecordOps& records,
                                     Holds holds) {
  if (stats_) {
    for (const auto& letter : records) stats_->DeadLetter(letter.reason).Increment();
  }
  if (dead_letters_ == nullptr || records.empty()) {
    if (!records.empty()) {
      const LogFields log_fields{{"batch", std::to_string(batch.id)},
                                 {"audience", batch.key.audience_id},
                                 {"list_type", std::string(ToString(batch.key.list_type))}};
      spdlog::warn("dropped {} records of batch {} for audience {} ({}): {} (no dead-letter topic)",
                   records.size(), batch.id, batch.key.audience_id, ToString(batch.key.list_type),
                   records.front().reason);
    }
    ReleaseHolds(holds);
    return;
  }
  std::vector<Letter> letters;
  letters.reserve(records.size());
  for (const auto& [record, op, reason] : records) {
    int64_t offset = -1;
    for (const auto& [p, off] : batch.lowest_offsets) {
      if (p == record.partition) offset = off;
    }
    const TopicPartition source = partitions_.contains(record.partition)
                                      ? partitions_.Get(record.partition)
                                      : TopicPartition{};
    letters.push_back(Letter{source, offset, std::string(), RecordLetterValue(batch, record, op),
                             std::string(reason)});
  }
  StartSettlement(std::move(letters), std::move(holds));
}

void SyncPipeline::StartSettlement(std::vector<Letter> letters, Holds holds) {
  const uint64_t group = next_settlement_++;
  settlements_[group] = Settlement{std::move(holds), letters.size()};
  for (auto& letter : letters) {
    const uint64_t token = next_token_++;
    letters_.emplace(token, std::make_pair(std::move(letter), group));
    ProduceLetter(token);
  }
}

void SyncPipeline::ProduceLetter(uint64_t token) {
  const auto& [letter, group] = letters_.at(token);
  kafka::DeadLetter copy{letter.source, letter.offset, letter.key, letter.value, letter.reason};
  if (auto status = dead_letters_->Produce(copy, token); !status.ok()) {
    // Queue full or a transient error: the hold stays; Pump retries.
    unsent_letters_.push_back(token);
    return;
  }
  ++counters_.dead_letters_produced;
}

void SyncPipeline::Submit(std::vector<aggregate::Batch> batches) {
  for (auto& batch : batches) {
    batch.not_before = EmbargoFor(batch);
    InFlight flight{batch.lowest_offsets, clock_.Now(),
                    batch.size(),         &audiences_.For(batch.key.audience_id),
                    batch.key.list_type,  batch.opened_at};
    audience_batches_moved_ = true;
    in_flight_records_ += flight.records;
    if (stats_) stats_->batch_records.Observe(static_cast<double>(batch.size()));
    ++counters_.batches_submitted;
    in_flight_.emplace(batch.id, std::move(flight));
    sink_.Submit(std::move(batch));
  }
}

bool SyncPipeline::Pump() {
  auto ready = aggregator_.TakeReady();
  if (!ready.empty()) Submit(std::move(ready));
  bool settled = SettleDeliveries();
  settled |= SettleDeadLetters();
  UpdateGauges();
  return settled;
}

void SyncPipeline::FlushAll() {
  Submit(aggregator_.FlushAll());
  UpdateGauges();
}

bool SyncPipeline::SettleDeliveries() {
  auto outcomes = sink_.DrainOutcomes();
  for (auto& [outcome, batch] : outcomes) {
    auto it = in_flight_.find(outcome.batch_id);
    if (it == in_flight_.end()) {
      spdlog::error("delivery reported batch {} which is not in flight; ignored", outcome.batch_id);
      continue;
    }
    InFlight flight = std::move(it->second);
    in_flight_.erase(it);
    in_flight_records_ -= flight.records;
    // Batches merged into this one in delivery settle with it: their holds go with its outcome.
    for (uint64_t merged : outcome.merged_batch_ids) {
      auto m = in_flight_.find(merged);
      if (m == in_flight_.end()) continue;
      flight.holds.insert(flight.holds.end(), m->second.holds.begin(), m->second.holds.end());
      in_flight_records_ -= m->second.records;
      in_flight_.erase(m);
    }
    const uint64_t settled_batches = 1 + outcome.merged_batch_ids.size();
    audience_batches_moved_ = true;
    CountSettledRecords(outcome, batch, flight);
    if (outcome.status == pinterest::DeliveryStatus::kAcknowledged) {
      counters_.batches_acknowledged += settled_batches;
      if (stats_) {
        stats_->batches_acknowledged.Increment(static_cast<double>(settled_batches));
        stats_->ack_latency.Observe(Seconds(clock_.Now() - flight.submitted_at));
      }
      if (outcome.rejected.empty() && outcome.refused_list_full.empty()) {
        ReleaseHolds(flight.holds);
      } else {
        counters_.records_rejected += outcome.rejected.size();
        if (stats_)
          stats_->records_rejected.Increment(static_cast<double>(outcome.rejected.size()));
        absl::flat_hash_set<HashedId> adds;
        for (const auto& record : batch.adds) adds.insert(record.id);
        RecordOps letters;
        for (const auto& record : outcome.rejected) {
          letters.push_back({record,
                             adds.contains(record.id) ? MembershipOp::kAdd : MembershipOp::kRemove,
                             outcome.reason});
        }
        // Adds refused at Pinterest's record cap: dead-lettered like rejected ones.
        for (const auto& record : outcome.refused_list_full) {
          letters.push_back({record, MembershipOp::kAdd, kListFullReason});
        }
        DeadLetterRecords(batch, letters, std::move(flight.holds));
      }
    } else {
      counters_.batches_failed += settled_batches;
      if (stats_) stats_->batches_failed.Increment(static_cast<double>(settled_batches));
      spdlog::error(
          "batch {} for audience {} ({}) failed permanently: {}; dead-lettering {} records",
          batch.id, batch.key.audience_id, ToString(batch.key.list_type), outcome.detail,
          batch.size());
      RecordOps all;
      all.reserve(batch.size());
      for (const auto& record : batch.adds) {
        all.push_back({record, MembershipOp::kAdd, outcome.reason});
      }
      for (const auto& record : batch.removes) {
        all.push_back({record, MembershipOp::kRemove, outcome.reason});
      }
      DeadLetterRecords(batch, all, std::move(flight.holds));
    }
  }
  return !outcomes.empty();
}

void SyncPipeline::CountSettledRecords(const pinterest::DeliveryOutcome& outcome,
                                       const aggregate::Batch& batch, const InFlight& flight) {
  AudienceStats::Series& audience = *flight.audience;
  const ListType type = batch.key.list_type;
  if (outcome.status != pinterest::DeliveryStatus::kAcknowledged) {
    audiences_.CountErrored(audience, type, outcome.reason.empty() ? kFailedReason : outcome.reason,
                            batch.size());
    return;
  }
  // The batch (its merged batches' records included) less what Pinterest did not take.
  size_t rejected_adds = 0;
  if (!outcome.rejected.empty()) {
    absl::flat_hash_set<HashedId> adds;
    for (const auto& record : batch.adds) adds.insert(record.id);
    for (const auto& record : outcome.rejected) rejected_adds += adds.contains(record.id) ? 1 : 0;
  }
  const size_t rejected_removes = outcome.rejected.size() - rejected_adds;
  const size_t refused = outcome.refused_list_full.size();
  const size_t not_added = std::min(batch.adds.size(), rejected_adds + refused);
  audiences_.CountSynced(audience, type, MembershipOp::kAdd, batch.adds.size() - not_added);
  audiences_.CountSynced(audience, type, MembershipOp::kRemove,
                         batch.removes.size() - std::min(batch.removes.size(), rejected_removes));
  audiences_.CountErrored(audience, type, kRejectedReason, outcome.rejected.size());
  audiences_.CountErrored(audience, type, kListFullReason, refused);
  audiences_.SetLastSync(audience, type, static_cast<double>(clock_.WallMillis()) / 1000.0);
}

bool SyncPipeline::SettleDeadLetters() {
  if (dead_letters_ == nullptr) return false;
  dead_letters_->Poll();
  auto acks = dead_letters_->DrainAcks();
  for (const auto& ack : acks) {
    auto it = letters_.find(ack.token);
    if (it == letters_.end()) continue;
    if (!ack.delivered) {
      spdlog::warn("dead-letter copy failed ({}); producing it again", ack.error);
      unsent_letters_.push_back(ack.token);
      continue;
    }
    ++counters_.dead_letters_acknowledged;
    const uint64_t group = it->second.second;
    letters_.erase(it);
    auto settlement = settlements_.find(group);
    if (settlement != settlements_.end() && --settlement->second.outstanding == 0) {
      ReleaseHolds(settlement->second.holds);
      settlements_.erase(settlement);
    }
  }
  // Produce again what was refused or failed, oldest first, until the producer refuses again.
  for (size_t n = unsent_letters_.size(); n > 0; --n) {
    const uint64_t token = unsent_letters_.front();
    unsent_letters_.pop_front();
    ProduceLetter(token);
    if (!unsent_letters_.empty() && unsent_letters_.back() == token) break;
  }
  return !acks.empty();
}

void SyncPipeline::ReleaseHolds(const Holds& holds) {
  for (const auto& [partition, offset] : holds) frontier_.Release(partition, offset);
}

kafka::OffsetList SyncPipeline::TakeCommittableChanges() {
  kafka::OffsetList out;
  for (const auto& [partition, offset] : frontier_.TakeCommittable()) {
    out.emplace_back(partitions_.Get(partition), offset);
  }
  return out;
}

kafka::OffsetList SyncPipeline::CommittableFor(const std::vector<TopicPartition>& tps) const {
  kafka::OffsetList out;
  for (const auto& tp : tps) {
    auto id = partitions_.Find(tp);
    if (!id) continue;
    if (auto offset = frontier_.Committable(*id)) out.emplace_back(tp, *offset);
  }
  return out;
}

kafka::OffsetList SyncPipeline::AllCommittable() const {
  kafka::OffsetList out;
  for (aggregate::PartitionId p : frontier_.assigned_partitions()) {
    if (auto offset = frontier_.Committable(p)) out.emplace_back(partitions_.Get(p), *offset);
  }
  return out;
}

bool SyncPipeline::ShouldPause() {
  const size_t pending = in_flight_records_ + letters_.size();
  const size_t limit = config_.pipeline.max_in_flight_records;
  if (!paused_ && pending >= limit) {
    paused_ = true;
  } else if (paused_ && pending <= limit / 2) {
    paused_ = false;
  }
  return paused_;
}

bool SyncPipeline::AwaitSettlement(Duration timeout) {
  if (!settlements_.empty())
    timeout = std::min(timeout, pinterest::BatchSink::kOutcomePollInterval);
  return sink_.AwaitOutcomes(timeout);
}

bool SyncPipeline::Quiescent() const {
  return aggregator_.buffered_records() == 0 && aggregator_.buffered_batches() == 0 &&
         in_flight_.empty() && settlements_.empty();
}

void SyncPipeline::RefreshAudienceStats() {
  audiences_.ClearPending();
  aggregator_.ForEachBuffered(
      [this](const aggregate::ListKey& key, size_t records, SteadyTime opened_at) {
        audiences_.AddPending(audiences_.For(key.audience_id), key.list_type, records, opened_at);
      });
  for (const auto& [_, flight] : in_flight_) {
    audiences_.AddPending(*flight.audience, flight.list_type, flight.records, flight.opened_at);
  }
  const SteadyTime now = clock_.Now();
  audiences_.Publish(now);
  audiences_refreshed_at_ = now;
  audience_batches_moved_ = false;
}

void SyncPipeline::UpdateGauges() {
  const SteadyTime now = clock_.Now();
  if (audience_batches_moved_ || !audiences_refreshed_at_ ||
      now - *audiences_refreshed_at_ >= kAudienceRefreshInterval) {
    RefreshAudienceStats();
  }
  if (all_stats_.decoder) all_stats_.decoder->Publish();
  if (all_stats_.identity) all_stats_.identity->Publish();
  if (all_stats_.aggregator) all_stats_.aggregator->Update(aggregator_);
  if (all_stats_.frontier) all_stats_.frontier->Update(frontier_);
  if (!stats_) return;
  if (unpublished_accepted_ > 0) {
    stats_->messages_accepted.Increment(static_cast<double>(unpublished_accepted_));
    unpublished_accepted_ = 0;
  }
  stats_->in_flight_records.Set(static_cast<double>(in_flight_records_));
  stats_->held_offsets.Set(static_cast<double>(frontier_.held()));
  stats_->assigned_partitions.Set(static_cast<double>(frontier_.assigned_partitions().size()));
  stats_->embargoed_partitions.Set(static_cast<double>(embargoed_partitions()));
}

}  // namespace pinsync::connector
