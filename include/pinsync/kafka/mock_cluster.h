#pragma once
// librdkafka's embedded mock Kafka cluster on loopback, with its fault-injection API, for tests,
// `pinsync demo`, `pinsync kafka` and benchmarks.
//
// What it supports in librdkafka 2.0.2: produce (incl. idempotent), fetch, ListOffsets,
// metadata, consumer groups (JoinGroup/SyncGroup/Heartbeat/LeaveGroup, with the assignment
// computed client-side, so cooperative-sticky works), OffsetCommit/OffsetFetch. Not supported:
// the admin API (CreateTopics etc.): create topics with CreateTopic() here.
//
// Retention: each partition keeps only 5 MB of message batches (as produced, i.e. after
// compression) and at most 100,000 batches; older batches are silently dropped (the log start
// offset moves up). For big runs produce with lz4 and use more
// partitions. Nothing is persisted: the cluster lives as long as this object.

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pinsync/common/result.h"
#include "pinsync/kafka/error.h"

struct rd_kafka_mock_cluster_s;  // rdkafka_mock.h, kept out of this header

namespace pinsync::kafka {

// Kafka protocol request types (ApiKey) that fault injection can target.
enum class KafkaApi : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kInitProducerId = 22,
};

class MockKafkaCluster {
 public:
  static constexpr const char* kDefaultRegistryTopic = "pinsync-registry";

  // Brokers get ids 1..brokers, each listening on an ephemeral 127.0.0.1 port. Like a cluster
  // pinsync has run on, it has the registry topic of kafka.registry_topic's default
  // (kDefaultRegistryTopic, one partition): the mock has no controller, so pinsync cannot create
  // it through the Admin API. A test using another registry topic creates it with CreateTopic.
  static Result<std::unique_ptr<MockKafkaCluster>, KafkaError> Start(int brokers = 3);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // The bootstrap.servers value clients connect with, e.g. "127.0.0.1:40123,127.0.0.1:40125".
  const std::string& bootstraps() const { return bootstraps_; }
  int broker_count() const { return brokers_; }

  Status<KafkaError> CreateTopic(const std::string& topic, int partitions,
                                 int replication_factor = 1);

  // Disconnects the broker and refuses new connections (leadership does not move).
  Status<KafkaError> SetBrokerDown(int32_t broker_id);
  Status<KafkaError> SetBrokerUp(int32_t broker_id);
  // Delays every response of the broker (-1: all brokers).
  Status<KafkaError> SetBrokerRtt(int32_t broker_id, int rtt_ms);
  Status<KafkaError> SetPartitionLeader(const std::string& topic, int32_t partition,
                                        int32_t broker_id);
  // Moves the group's coordinator to another broker.
  Status<KafkaError> SetGroupCoordinator(const std::string& group_id, int32_t broker_id);

  // The next errors.size() requests of `api` (to any broker) fail with these codes, in order.
  // RD_KAFKA_RESP_ERR__TRANSPORT makes the broker drop the connection instead.
  void PushRequestErrors(KafkaApi api, const std::vector<rd_kafka_resp_err_t>& errors);
  void ClearRequestErrors(KafkaApi api);

 private:
  MockKafkaCluster() = default;
  struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const;
  };
  struct ClusterDeleter {
    void operator()(rd_kafka_mock_cluster_s* cluster) const;
  };
  // Declared in this order so the cluster is destroyed before the handle that owns it.
  std::unique_ptr<rd_kafka_t, HandleDeleter> handle_;
  std::unique_ptr<rd_kafka_mock_cluster_s, ClusterDeleter> cluster_;
  std::string bootstraps_;
  int brokers_ = 0;
};

}  // namespace pinsync::kafka
