#include "pinsync/connector/connector.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pinsync::connector {
namespace {

// Longest wait between pump rounds while waiting on delivery (revocation, shutdown); an outcome
// ends it at once, so this only bounds how often an idle wait wakes (a handoff embargo can keep
// shutdown waiting for tens of seconds; at 50 ms a round cost ~1.3 ms of CPU a second).
constexpr auto kWaitRound = std::chrono::milliseconds(250);
// Longest a revocation waits for requests already on the wire (see OnPartitionsRevoked).
constexpr auto kRevocationWait = std::chrono::milliseconds(1000);
// Poll timeout in the main loop: bounds how late an age-triggered flush can be.
constexpr auto kPollTimeout = std::chrono::milliseconds(100);
// Messages taken per PollBatch, and at most per Step before the pipeline is pumped.
constexpr size_t kPollBatch = 256;
constexpr size_t kMaxMessagesPerStep = 4096;

std::string Describe(const std::vector<TopicPartition>& partitions) {
  std::string out;
  for (const auto& tp : partitions) {
    if (!out.empty()) out += ", ";
    out += tp.topic + "[" + std::to_string(tp.partition) + "]";
  }
  return out;
}

}  // namespace

Connector::Connector(const config::Config& config, const Clock& clock, kafka::MessageSource& source,
                     SyncPipeline& pipeline, ConnectorStats* stats)
    : config_(config), clock_(clock), source_(source), pipeline_(pipeline), stats_(stats) {
  source_.SetRebalanceListener(this);
  last_full_commit_ = clock_.Now();
}

Connector::~Connector() { source_.SetRebalanceListener(nullptr); }

StopReason Connector::Run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    if (!Step(kPollTimeout)) {
      source_.Close();
      if (step_observer_) step_observer_(true);
      return StopReason::kFatalSourceError;
    }
    if (step_observer_) step_observer_(false);
  }
  if (step_observer_) step_observer_(true);
  Shutdown();
  return StopReason::kRequested;
}

bool Connector::Step(std::chrono::milliseconds poll_timeout) {
  if (failed_) return false;
  // Drain what librdkafka has ready, in batches: one blocking poll at most, then only what is
  // already fetched, up to kMaxMessagesPerStep before pumping. Each batch is let go before the
  // next is taken: its messages pin librdkafka's fetch buffers.
  for (size_t taken = 0; taken < kMaxMessagesPerStep;) {
    auto status = source_.PollBatch(taken == 0 ? poll_timeout : std::chrono::milliseconds(0),
                                    std::min(kPollBatch, kMaxMessagesPerStep - taken), polled_);
    if (!status.ok()) {
      polled_.clear();
      spdlog::critical("Kafka consumer failed: {}; stopping without committing further",
                       status.error().message);
      failed_ = true;
      return false;
    }
    if (polled_.empty()) break;
    for (const kafka::ConsumedMessage& message : polled_) pipeline_.OnMessage(message);
    taken += polled_.size();
    polled_.clear();
  }
  const bool settled = pipeline_.Pump();
  ApplyBackpressure();
  MaybeCommit(settled);
  return true;
}

void Connector::MaybeCommit(bool settled) {
  if (settled) {
    auto changed = pipeline_.TakeCommittableChanges();
    if (!changed.empty()) {
      source_.CommitAsync(changed);
    }
  }
  // Periodically everything, not only changes, so a failed async commit heals itself.
  if (clock_.Now() - last_full_commit_ >= config_.kafka.commit_interval) {
    last_full_commit_ = clock_.Now();
    auto all = pipeline_.AllCommittable();
    pipeline_.TakeCommittableChanges();  // all of it is in this commit
    if (!all.empty()) {
      source_.CommitAsync(all);
    }
  }
}

void Connector::ApplyBackpressure() {
  const bool pause = pipeline_.ShouldPause();
  if (pause == paused_) return;
  paused_ = pause;
  const auto assignment = source_.Assignment();
  if (pause) {
    spdlog::warn(
        "delivery backlog reached pipeline.max_in_flight_records ({}); pausing {} partitions",
        config_.pipeline.max_in_flight_records, assignment.size());
    source_.Pause(assignment);
  } else {
    spdlog::info("delivery backlog drained; resuming {} partitions", assignment.size());
    source_.Resume(assignment);
  }
  if (stats_) stats_->paused_partitions.Set(pause ? static_cast<double>(assignment.size()) : 0);
}

template <class Done>
bool Connector::PumpUntil(Done done, SteadyTime deadline) {
  // Bounded by the deadline and, in case the clock is not moving (tests), by counting the waits
  // during which it did not move: as many as shutdown.timeout holds of the sinks' poll interval.
  const int64_t max_still_waits =
      std::max<int64_t>(1, config_.shutdown.timeout / pinterest::BatchSink::kOutcomePollInterval);
  for (int64_t still_waits = 0; still_waits < max_still_waits;) {
    if (pipeline_.Pump()) MaybeCommit(true);
    if (done()) return true;
    const SteadyTime before = clock_.Now();
    if (before >= deadline) return false;
    pipeline_.AwaitSettlement(std::min<Duration>(kWaitRound, deadline - before));
    if (clock_.Now() == before) ++still_waits;
  }
  return done();
}

bool Connector::Shutdown() {
  spdlog::info("shutting down: flushing {} buffered records", pipeline_.buffered_records());
  // Nothing fetched from now on is processed: stop fetching, so that a shutdown waiting on
  // delivery (or on a handoff embargo) neither prefetches messages only to drop them nor keeps
  // librdkafka's fetchers busy. The group membership and the commits below go on.
  if (!paused_) source_.Pause(source_.Assignment());
  pipeline_.FlushAll();
  const bool drained =
      PumpUntil([this] { return pipeline_.Quiescent(); }, clock_.Now() + config_.shutdown.timeout);
  if (!drained) {
    spdlog::warn(
        "shutdown.timeout ({} ms) reached with {} batches unacknowledged; their offsets stay "
        "uncommitted and will be replayed",
        config_.shutdown.timeout.count(), pipeline_.in_flight_batches());
  }
  bool committed = true;
  if (auto offsets = pipeline_.AllCommittable(); !offsets.empty()) {
    auto status = source_.CommitSync(offsets);
    committed = status.ok();
    if (!committed) spdlog::error("final commit failed: {}", status.error().message);
  }
  source_.SetRebalanceListener(nullptr);  // the group is left below; nothing more to settle
  source_.Close();
  spdlog::info("shutdown complete ({})", drained && committed ? "clean" : "partial");
  return drained && committed;
}

void Connector::OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) {
  spdlog::info(
      "assigned {}; their records are sent from {} s on, once a previous owner's "
      "requests can no longer land",
      Describe(partitions),
      std::chrono::duration_cast<std::chrono::seconds>(config_.PartitionHandoffDelay()).count());
  if (stats_) stats_->rebalances.Increment();
  pipeline_.Assign(partitions);
  pipeline_.SetGroupPartitionCount(source_.SubscribedPartitionCount());
  if (paused_) source_.Pause(partitions);  // still under backpressure
}

void Connector::OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) {
  spdlog::info("revoking {}", Describe(partitions));
  if (stats_) stats_->rebalances.Increment();
  // The new owner replays everything after the last commit: drop what is only buffered here and
  // withdraw the partitions' records from delivery, so no request of ours carrying them starts
  // from now on (the new owner waits out the ones already on the wire). Then a short wait lets
  // requests already on the wire be acknowledged, so their offsets are committed and not
  // replayed. It stays short: the whole group waits for this callback, and a long wait here is
  // what made members time out of the rebalance and lose every partition.
  pipeline_.DropBuffered(partitions);
  const auto wait = std::min<Duration>(config_.shutdown.timeout, kRevocationWait);
  const bool settled =
      PumpUntil([&] { return !pipeline_.HoldsAny(partitions); }, clock_.Now() + wait);
  if (!settled) {
    spdlog::info("revoking {} with unacknowledged batches; the new owner replays them",
                 Describe(partitions));
  }
  if (auto offsets = pipeline_.CommittableFor(partitions); !offsets.empty()) {
    auto status = source_.CommitSync(offsets);
    if (!status.ok()) spdlog::warn("commit on revocation failed: {}", status.error().message);
  }
  pipeline_.Forget(partitions);
  pipeline_.SetGroupPartitionCount(source_.SubscribedPartitionCount());
}

void Connector::OnPartitionsLost(const std::vector<TopicPartition>& partitions) {
  // Already someone else's: nothing may be committed; drop and forget.
  spdlog::warn("lost {} (session expired); their uncommitted work will be replayed",
               Describe(partitions));
  if (stats_) stats_->rebalances.Increment();
  pipeline_.Forget(partitions);
  pipeline_.SetGroupPartitionCount(source_.SubscribedPartitionCount());
}

}  // namespace pinsync::connector
