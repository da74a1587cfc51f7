#pragma once
// KafkaMessageSource's state, shared by the source (kafka_message_source.cc) and the librdkafka
// callbacks that run inside its Poll (consumer_callbacks.cc). Internal to src/kafka.

#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "group_join_watch.h"
#include "pinsync/kafka/kafka_message_source.h"
#include "pinsync/kafka/stats.h"
#include "rdkafka_handles.h"

namespace pinsync::kafka {

struct KafkaMessageSource::State {
  explicit State(prometheus::Registry* registry)
      : own_registry(registry ? nullptr : std::make_unique<prometheus::Registry>()),
        stats(ConsumerStats::Create(registry ? *registry : *own_registry)) {}

  void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                   rd_kafka_topic_partition_list_t* partitions);
  void OnError(int err, const char* reason);
  void UpdateLag();

  // Declared before rk, so it outlives the client whose broker threads call it.
  internal::GroupJoinWatch join_watch;
  internal::KafkaPtr rk;
  std::unique_ptr<prometheus::Registry> own_registry;
  ConsumerStats stats;
  RebalanceListener* listener = nullptr;
  internal::QueuePtr commit_queue;  // async commit results, served from Poll
  std::optional<KafkaError> fatal;
  std::chrono::milliseconds close_timeout{10000};
  std::vector<std::string> topics;  // subscribed
  size_t partition_count = 0;       // of `topics`, last known
  std::chrono::steady_clock::time_point next_lag_update{};
  // When librdkafka last handed over a rebalance; Close waits for the group to go quiet.
  std::chrono::steady_clock::time_point last_rebalance{};
  // "COOPERATIVE" or "EAGER", read in the first rebalance callback: librdkafka 2.0.2's
  // rd_kafka_rebalance_protocol() can block for good when called during close (librdkafka
  // issue #4041), and the protocol never changes for a member.
  std::string rebalance_protocol;
  bool closing = false;
  bool closed = false;
};

namespace internal {

// Registered on the consumer's configuration; `opaque` is the State.
void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* partitions, void* opaque);
void ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque);
// Served from the commit queue by Poll; `opaque` is the State.
void AsyncCommitResult(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* offsets, void* opaque);
// The first per-partition error of a commit result, if any.
rd_kafka_resp_err_t FirstPartitionError(const rd_kafka_topic_partition_list_t* list);

}  // namespace internal
}  // namespace pinsync::kafka
