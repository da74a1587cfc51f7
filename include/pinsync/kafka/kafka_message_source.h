#pragma once
// The librdkafka KafkaConsumer behind MessageSource.
//
// Settings pinsync fixes: group.id = kafka.group_id, bootstrap.servers = kafka.bootstrap_servers,
// enable.auto.commit=false, enable.auto.offset.store=false (offsets are committed only from the
// connector's frontier). Defaults the user may override through kafka.properties:
// partition.assignment.strategy=cooperative-sticky, auto.offset.reset=earliest. Every other
// kafka.properties entry is passed to librdkafka as is (SASL, SSL, timeouts...).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "pinsync/common/clock.h"
#include "pinsync/config/config.h"
#include "pinsync/kafka/message_source.h"

namespace prometheus {
class Registry;
}

namespace pinsync::kafka {

struct ConsumerOptions {
  // Where ConsumerStats are registered; null keeps them in a private registry.
  prometheus::Registry* registry = nullptr;
  // client.id, for broker-side logs; does not have to be unique.
  std::string client_id = "pinsync";
  // How long Close() may take to leave the group before it gives up (the coordinator then
  // expires the member after session.timeout.ms).
  std::chrono::milliseconds close_timeout{10000};
};

class KafkaMessageSource final : public MessageSource {
 public:
  // Builds the consumer and subscribes to kafka.topics. Fails with kInvalidConfig naming the
  // offending kafka.properties entry (its value is never echoed for secret-looking keys).
  static Result<std::unique_ptr<KafkaMessageSource>, KafkaError> Create(
      const config::KafkaConfig& config, ConsumerOptions options = {});
  ~KafkaMessageSource() override;  // Close()s if not yet closed

  void SetRebalanceListener(RebalanceListener* listener) override;
  Result<std::optional<ConsumedMessage>, KafkaError> Poll(
      std::chrono::milliseconds timeout) override;
  // One rd_kafka_consumer_poll per message still, but one commit-queue poll, lag check and
  // metric update per batch.
  Status<KafkaError> PollBatch(std::chrono::milliseconds timeout, size_t max_messages,
                               std::vector<ConsumedMessage>& out) override;
  Status<KafkaError> CommitSync(const OffsetList& offsets) override;
  void CommitAsync(const OffsetList& offsets) override;
  void Pause(const std::vector<TopicPartition>& partitions) override;
  void Resume(const std::vector<TopicPartition>& partitions) override;
  std::vector<TopicPartition> Assignment() const override;
  size_t SubscribedPartitionCount() override;
  void Close() override;

  struct State;  // librdkafka handle and callback state (kafka_message_source.cc)

 private:
  // Stands between librdkafka's callbacks and the connector's listener, counting assignment
  // changes so PollBatch can end a batch at one.
  class ChangeCountingListener final : public RebalanceListener {
   public:
    void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) override;
    void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) override;
    void OnPartitionsLost(const std::vector<TopicPartition>& partitions) override;
    RebalanceListener* target = nullptr;
    uint64_t changes = 0;
  };

  explicit KafkaMessageSource(std::unique_ptr<State> state);
  // Close's first half: leaves the group and serves the revocation until `deadline`.
  void GiveUpAssignment(std::chrono::steady_clock::time_point deadline);
  std::unique_ptr<State> state_;
  ChangeCountingListener listener_;
};

// Checks that librdkafka accepts every kafka.properties entry for a consumer, without
// connecting. For `pinsync validate-config`.
Status<KafkaError> ValidateConsumerProperties(const config::KafkaConfig& config);

}  // namespace pinsync::kafka
