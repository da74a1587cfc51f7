#pragma once
// A plain producer for the demo generator, tests and benchmarks: keyed messages, partitioned by
// key (librdkafka's default murmur2-random partitioner, as the Java client) or to an explicit
// partition, lz4-compressed and lingered so big runs fit the mock cluster's per-partition log.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/kafka/error.h"

namespace pinsync::kafka {

struct EventProducerOptions {
  std::string compression = "lz4";
  int linger_ms = 5;
  // Extra librdkafka properties, applied last.
  std::map<std::string, std::string> properties;
};

class EventProducer {
 public:
  static Result<std::unique_ptr<EventProducer>, KafkaError> Create(
      const std::string& bootstrap_servers, EventProducerOptions options = {});
  ~EventProducer();  // flushes for up to 5 s

  // Enqueues one message. When librdkafka's queue is full it serves delivery reports and retries
  // for up to `queue_full_wait`, then fails with kProduceFailed.
  Status<KafkaError> Produce(std::string_view topic, std::string_view key, std::string_view value,
                             std::optional<int32_t> partition = std::nullopt,
                             std::chrono::milliseconds queue_full_wait = std::chrono::seconds(10));
  // Serves delivery reports without blocking.
  void Poll();
  // Waits until every message is delivered or failed; kTimeout if some are still in flight.
  Status<KafkaError> Flush(std::chrono::milliseconds timeout);

  uint64_t delivered() const;
  uint64_t failed() const;

  struct State;

 private:
  explicit EventProducer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace pinsync::kafka
