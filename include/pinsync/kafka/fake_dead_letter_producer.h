#pragma once
// An in-memory DeadLetterProducer for unit tests: keeps owning copies of what was produced and
// acknowledges either at once (auto-ack) or when the test says so.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pinsync/kafka/dead_letter_producer.h"

namespace pinsync::kafka {

struct ProducedDeadLetter {
  TopicPartition source;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::string reason;
  uint64_t token = 0;
};

class FakeDeadLetterProducer final : public DeadLetterProducer {
 public:
  // With auto_ack, each copy is acknowledged by the next Poll(); otherwise by Complete().
  explicit FakeDeadLetterProducer(bool auto_ack = true) : auto_ack_(auto_ack) {}

  // Finishes a pending token (manual mode): delivered or failed permanently.
  void Complete(uint64_t token, bool delivered);
  // The next `count` Produce calls fail (as if librdkafka's queue were full).
  void RejectNextProduces(int count) { rejecting_ = count; }

  const std::vector<ProducedDeadLetter>& produced() const { return produced_; }

  Status<KafkaError> Produce(const DeadLetter& letter, uint64_t token) override;
  void Poll() override;
  std::vector<DeadLetterAck> DrainAcks() override;
  size_t InFlight() const override { return pending_.size() + acks_.size(); }
  Status<KafkaError> Flush(std::chrono::milliseconds timeout) override;

 private:
  bool auto_ack_;
  int rejecting_ = 0;
  std::vector<ProducedDeadLetter> produced_;
  std::vector<uint64_t> pending_;
  std::vector<DeadLetterAck> acks_;
};

}  // namespace pinsync::kafka
