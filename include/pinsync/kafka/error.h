#pragma once
// The Kafka layer's closed set of failure kinds, and the error that crosses its boundary.

#include <cstdint>
#include <string>
#include <string_view>

namespace pinsync::kafka {

enum class KafkaErrorCode : uint8_t {
  kInvalidConfig,  // a property librdkafka rejects, or one pinsync manages itself
  kCreateFailed,   // rd_kafka_new failed (e.g. an SSL file that cannot be read)
  kFatal,          // the client hit a fatal error and must be recreated
  kCommitFailed,   // an offset commit was rejected or timed out; retry it
  kProduceFailed,  // a message could not be enqueued (queue full, unknown topic...)
  kTimeout,        // a bounded operation ran out of time
  kUnknownTopic,   // a topic the cluster does not have
  kClosed,         // the handle was already closed
  kMockCluster,    // the embedded mock cluster rejected a request
};

inline std::string_view ToString(KafkaErrorCode code) {
  switch (code) {
    case KafkaErrorCode::kInvalidConfig:
      return "invalid_config";
    case KafkaErrorCode::kCreateFailed:
      return "create_failed";
    case KafkaErrorCode::kFatal:
      return "fatal";
    case KafkaErrorCode::kCommitFailed:
      return "commit_failed";
    case KafkaErrorCode::kProduceFailed:
      return "produce_failed";
    case KafkaErrorCode::kTimeout:
      return "timeout";
    case KafkaErrorCode::kUnknownTopic:
      return "unknown_topic";
    case KafkaErrorCode::kClosed:
      return "closed";
    case KafkaErrorCode::kMockCluster:
      return "mock_cluster";
  }
  return "?";
}

struct KafkaError {
  KafkaErrorCode code = KafkaErrorCode::kFatal;
  // What was wrong, where, and what to do. Never contains keys, values or secrets.
  std::string message;
  // librdkafka's rd_kafka_resp_err_t when there is one (0 otherwise), for tests and retry logic.
  int32_t rd_kafka_code = 0;
};

}  // namespace pinsync::kafka
