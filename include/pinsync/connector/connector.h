#pragma once
// The running connector: the consumer-thread loop around SyncPipeline. It polls the
// MessageSource, pumps the pipeline, commits what the offset frontier allows (asynchronously
// every kafka.commit_interval and after acknowledgements; synchronously on revocation and
// shutdown), pauses fetching under backpressure while still polling, and shuts down gracefully.

#include <atomic>
#include <chrono>
#include <functional>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/config/config.h"
#include "pinsync/connector/sync_pipeline.h"
#include "pinsync/kafka/message_source.h"

namespace pinsync::connector {

enum class StopReason { kRequested, kFatalSourceError };

class Connector final : public kafka::RebalanceListener {
 public:
  Connector(const config::Config& config, const Clock& clock, kafka::MessageSource& source,
            SyncPipeline& pipeline, ConnectorStats* stats);
  ~Connector() override;

  // Polls and pumps until `stop` becomes true (or the source fails fatally), then shuts down
  // gracefully: flush open batches, wait for acknowledgements (bounded by shutdown.timeout),
  // commit synchronously, leave the group. Returns why it stopped; the process exits 0 on
  // kRequested.
  StopReason Run(const std::atomic<bool>& stop);

  // One loop iteration (poll up to `poll_timeout`, pump, maybe commit); for tests and Run.
  // False once the source failed fatally.
  bool Step(std::chrono::milliseconds poll_timeout);
  // The graceful part of Run: flush, wait (bounded), commit synchronously, close the source.
  // True if everything was acknowledged and committed in time.
  bool Shutdown();

  // Called on this thread after every Step with false, and once with true when Run stops
  // stepping and starts shutting down (the status page's snapshot and /readyz).
  void SetStepObserver(std::function<void(bool stopping)> observer) {
    step_observer_ = std::move(observer);
  }

  // RebalanceListener (called from inside source.Poll on this thread).
  void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) override;
  void OnPartitionsLost(const std::vector<TopicPartition>& partitions) override;

 private:
  void MaybeCommit(bool settled);
  void ApplyBackpressure();
  // Pumps until `done` or the deadline; sleeps briefly between rounds (delivery is elsewhere).
  template <class Done>
  bool PumpUntil(Done done, SteadyTime deadline);

  const config::Config& config_;
  const Clock& clock_;
  kafka::MessageSource& source_;
  SyncPipeline& pipeline_;
  ConnectorStats* stats_;
  std::vector<kafka::ConsumedMessage> polled_;  // one PollBatch's messages; capacity reused
  SteadyTime last_full_commit_{};
  bool paused_ = false;
  bool failed_ = false;
  std::function<void(bool)> step_observer_;
};

}  // namespace pinsync::connector
