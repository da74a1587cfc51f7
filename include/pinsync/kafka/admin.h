#pragma once
// Read-only helpers for tests, the demo and benchmarks: what a group has committed, where the
// topics end, and a whole topic's contents. Each uses a throwaway client and is bounded by its
// timeout.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/kafka/error.h"

namespace pinsync::kafka {

using PartitionOffsets = std::map<TopicPartition, int64_t>;

// Every partition of `topics`, with the group's committed offset (the next offset to consume),
// or -1 where the group has committed nothing. Does not join the group.
Result<PartitionOffsets, KafkaError> CommittedOffsets(
    const std::string& bootstrap_servers, const std::string& group_id,
    const std::vector<std::string>& topics,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Every partition of `topics`, with its high watermark (the offset the next message will get).
Result<PartitionOffsets, KafkaError> EndOffsets(
    const std::string& bootstrap_servers, const std::vector<std::string>& topics,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct StoredMessage {
  TopicPartition tp;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;  // in order; null values as ""
  int64_t timestamp_ms = 0;

  // The first header named `name`, or nullptr.
  const std::string* Header(const std::string& name) const;
};

// Every message of `topic` up to its end offsets at the time of the call, in partition then
// offset order. kTimeout if they could not all be read within `timeout`.
Result<std::vector<StoredMessage>, KafkaError> ReadTopic(
    const std::string& bootstrap_servers, const std::string& topic,
    std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace pinsync::kafka
