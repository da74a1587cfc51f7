#pragma once
// RAII owners for librdkafka's C objects, and the shared way pinsync builds a client
// configuration (internal to src/kafka).

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/kafka/error.h"

namespace pinsync::kafka::internal {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* h) const { rd_kafka_headers_destroy(h); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};

using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

// A new configuration that sends librdkafka's own log lines to spdlog's default logger, and its
// error events too unless the client sets its own error callback (which should skip the events
// AlreadyLogged says were logged).
ConfPtr NewConf();

// Whether an error event's text was already logged through the log callback: librdkafka reports
// each broker failure both as a log line and as an error event. True at most once per logged line.
bool AlreadyLogged(const rd_kafka_t* rk, std::string_view reason);

// Sets one property. `origin` says where it came from in the user's terms (e.g.
// "kafka.properties.sasl.mechanism") so the error message points at the line to fix. The value is
// not echoed for secret-looking keys.
Status<KafkaError> SetProperty(rd_kafka_conf_t* conf, const std::string& name,
                               const std::string& value, std::string_view origin);
Status<KafkaError> SetProperties(rd_kafka_conf_t* conf,
                                 const std::map<std::string, std::string>& properties,
                                 std::string_view origin_prefix);

// kafka.properties (written for the consumer) without the properties librdkafka only applies to
// consumers: a producer given them warns with CONFWARN for each, on every start.
std::map<std::string, std::string> ProducerProperties(
    const std::map<std::string, std::string>& properties);

// rd_kafka_new; on success the handle owns `conf`.
Result<KafkaPtr, KafkaError> NewClient(rd_kafka_type_t type, ConfPtr conf, std::string_view what);

// Keys whose values must never appear in a message or log line.
bool IsSecretProperty(std::string_view name);

PartitionListPtr ToPartitionList(const std::vector<TopicPartition>& partitions);
std::vector<TopicPartition> FromPartitionList(const rd_kafka_topic_partition_list_t* list);

// Every partition of `topics`, from a metadata request (bounded by timeout_ms).
Result<std::vector<TopicPartition>, KafkaError> ListPartitions(
    rd_kafka_t* rk, const std::vector<std::string>& topics, int timeout_ms);

// What one produce call needs; sent with rd_kafka_produceva (the RD_KAFKA_V_* macros of
// rd_kafka_producev use GNU statement expressions, which clang rejects under -Wpedantic).
struct ProduceRequest {
  const char* topic = nullptr;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  std::string_view key;  // empty: no key
  std::string_view value;
  rd_kafka_headers_t* headers = nullptr;  // owned by librdkafka once the call succeeds
  void* opaque = nullptr;                 // handed back in the delivery report
};
rd_kafka_resp_err_t Produce(rd_kafka_t* rk, const ProduceRequest& request);

KafkaError FromRdKafka(KafkaErrorCode code, rd_kafka_resp_err_t err, std::string_view context,
                       std::string_view advice);

}  // namespace pinsync::kafka::internal
