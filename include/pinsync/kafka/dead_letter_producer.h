#pragma once
// Copies of messages pinsync could not deliver, produced to kafka.dead_letter_topic with the
// original key and value and these headers (all values UTF-8 text):
//   pinsync.reason            short stable reason, e.g. "invalid_json", "http_400"
//   pinsync.source.topic      topic of the original message
//   pinsync.source.partition  its partition, decimal
//   pinsync.source.offset     its offset, decimal
//   pinsync.time              when the copy was produced, ms since the epoch, decimal
// The connector releases the source offset only after the copy is acknowledged: it passes a
// token with each copy and learns from DrainAcks() which tokens are done.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/kafka/error.h"

namespace prometheus {
class Registry;
}

namespace pinsync::kafka {

inline constexpr std::string_view kHeaderReason = "pinsync.reason";
inline constexpr std::string_view kHeaderSourceTopic = "pinsync.source.topic";
inline constexpr std::string_view kHeaderSourcePartition = "pinsync.source.partition";
inline constexpr std::string_view kHeaderSourceOffset = "pinsync.source.offset";
inline constexpr std::string_view kHeaderTime = "pinsync.time";

struct DeadLetter {
  TopicPartition source;
  int64_t offset = 0;
  std::string_view key;  // copied by Produce; empty means no key
  std::string_view value;
  std::string_view reason;
};

struct DeadLetterAck {
  uint64_t token = 0;
  // False: delivery failed permanently (after librdkafka's own retries, message.timeout.ms);
  // the caller produces it again.
  bool delivered = false;
  std::string error;  // empty when delivered
};

// Not thread-safe: one thread produces, polls and drains (delivery reports are served by Poll
// and Flush on the calling thread).
class DeadLetterProducer {
 public:
  virtual ~DeadLetterProducer() = default;
  // Enqueues a copy. An error (queue full, unknown topic) means it was not enqueued: call Poll()
  // and retry. Never blocks.
  virtual Status<KafkaError> Produce(const DeadLetter& letter, uint64_t token) = 0;
  // Serves delivery reports. Non-blocking.
  virtual void Poll() = 0;
  // Tokens finished since the last call, each exactly once.
  virtual std::vector<DeadLetterAck> DrainAcks() = 0;
  // Copies enqueued and not yet drained.
  virtual size_t InFlight() const = 0;
  // Waits (bounded) until every enqueued copy has a delivery report; kTimeout otherwise.
  virtual Status<KafkaError> Flush(std::chrono::milliseconds timeout) = 0;
};

// The idempotent librdkafka producer (enable.idempotence=true, acks=all). kafka.properties are
// passed through as for the consumer, so it reaches SASL/SSL clusters the same way.
class KafkaDeadLetterProducer final : public DeadLetterProducer {
 public:
  static Result<std::unique_ptr<KafkaDeadLetterProducer>, KafkaError> Create(
      const config::KafkaConfig& config, Clock& clock = SystemClock::Instance(),
      prometheus::Registry* registry = nullptr);
  ~KafkaDeadLetterProducer() override;  // flushes for up to 5 s, then abandons the rest

  Status<KafkaError> Produce(const DeadLetter& letter, uint64_t token) override;
  void Poll() override;
  std::vector<DeadLetterAck> DrainAcks() override;
  size_t InFlight() const override;
  Status<KafkaError> Flush(std::chrono::milliseconds timeout) override;

  struct State;

 private:
  explicit KafkaDeadLetterProducer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pinsync::kafka
