// The embedded mock cluster: a dedicated producer handle owns librdkafka's mock brokers.

#include "pinsync/kafka/mock_cluster.h"

#include <librdkafka/rdkafka_mock.h>
#include <spdlog/spdlog.h>

#include "rdkafka_handles.h"

namespace pinsync::kafka {
namespace {

Status<KafkaError> Check(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Ok{};
  return Unexpected{internal::FromRdKafka(KafkaErrorCode::kMockCluster, err, what,
                                          "check the broker id, topic and partition")};
}

}  // namespace

void MockKafkaCluster::HandleDeleter::operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
void MockKafkaCluster::ClusterDeleter::operator()(rd_kafka_mock_cluster_s* cluster) const {
  rd_kafka_mock_cluster_destroy(cluster);
}

Result<std::unique_ptr<MockKafkaCluster>, KafkaError> MockKafkaCluster::Start(int brokers) {
  if (brokers < 1) {
    return Unexpected{
        KafkaError{KafkaErrorCode::kMockCluster,
                   fmt::format("mock cluster: {} brokers requested; need at least 1", brokers), 0}};
  }
  internal::ConfPtr conf = internal::NewConf();
  // The handle only hosts the brokers; log_level 4 hides its "no bootstrap.servers" notice.
  const std::map<std::string, std::string> properties = {{"client.id", "pinsync-mock-cluster"},
                                                         {"log_level", "4"}};
  if (auto s = internal::SetProperties(conf.get(), properties, "mock cluster setting "); !s) {
    return Unexpected{s.error()};
  }
  auto handle = internal::NewClient(RD_KAFKA_PRODUCER, std::move(conf), "mock cluster handle");
  if (!handle) return Unexpected{handle.error()};

  std::unique_ptr<MockKafkaCluster> cluster(new MockKafkaCluster());
  cluster->handle_.reset(handle->release());
  rd_kafka_mock_cluster_t* raw = rd_kafka_mock_cluster_new(cluster->handle_.get(), brokers);
  if (raw == nullptr) {
    return Unexpected{KafkaError{KafkaErrorCode::kMockCluster,
                                 "could not start the mock Kafka cluster (no free loopback port?)",
                                 0}};
  }
  cluster->cluster_.reset(raw);
  cluster->bootstraps_ = rd_kafka_mock_cluster_bootstraps(raw);
  cluster->brokers_ = brokers;
  if (auto created = cluster->CreateTopic(kDefaultRegistryTopic, 1); !created) {
    return Unexpected{created.error()};
  }
  spdlog::info("mock Kafka cluster started: {} brokers at {}", brokers, cluster->bootstraps_);
  return cluster;
}

MockKafkaCluster::~MockKafkaCluster() {
  cluster_.reset();  // before the handle it was created on
  handle_.reset();
}

Status<KafkaError> MockKafkaCluster::CreateTopic(const std::string& topic, int partitions,
                                                 int replication_factor) {
  return Check(
      rd_kafka_mock_topic_create(cluster_.get(), topic.c_str(), partitions, replication_factor),
      fmt::format("mock cluster: creating topic '{}' with {} partitions", topic, partitions));
}

Status<KafkaError> MockKafkaCluster::SetBrokerDown(int32_t broker_id) {
  return Check(rd_kafka_mock_broker_set_down(cluster_.get(), broker_id),
               fmt::format("mock cluster: taking broker {} down", broker_id));
}

Status<KafkaError> MockKafkaCluster::SetBrokerUp(int32_t broker_id) {
  return Check(rd_kafka_mock_broker_set_up(cluster_.get(), broker_id),
               fmt::format("mock cluster: bringing broker {} up", broker_id));
}

Status<KafkaError> MockKafkaCluster::SetBrokerRtt(int32_t broker_id, int rtt_ms) {
  return Check(rd_kafka_mock_broker_set_rtt(cluster_.get(), broker_id, rtt_ms),
               fmt::format("mock cluster: setting broker {} RTT", broker_id));
}

Status<KafkaError> MockKafkaCluster::SetPartitionLeader(const std::string& topic, int32_t partition,
                                                        int32_t broker_id) {
  return Check(
      rd_kafka_mock_partition_set_leader(cluster_.get(), topic.c_str(), partition, broker_id),
      fmt::format("mock cluster: moving leader of {}[{}] to broker {}", topic, partition,
                  broker_id));
}

Status<KafkaError> MockKafkaCluster::SetGroupCoordinator(const std::string& group_id,
                                                         int32_t broker_id) {
  return Check(rd_kafka_mock_coordinator_set(cluster_.get(), "group", group_id.c_str(), broker_id),
               fmt::format("mock cluster: moving the group coordinator to broker {}", broker_id));
}

void MockKafkaCluster::PushRequestErrors(KafkaApi api,
                                         const std::vector<rd_kafka_resp_err_t>& errors) {
  rd_kafka_mock_push_request_errors_array(cluster_.get(), static_cast<int16_t>(api), errors.size(),
                                          errors.data());
}

void MockKafkaCluster::ClearRequestErrors(KafkaApi api) {
  rd_kafka_mock_clear_request_errors(cluster_.get(), static_cast<int16_t>(api));
}

}  // namespace pinsync::kafka
