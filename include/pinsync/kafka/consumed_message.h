#pragma once
// One message taken from Kafka. Zero-copy: it owns librdkafka's rd_kafka_message_t, and key() and
// value() point into it. That message pins part of librdkafka's fetch buffer, so decode it and let
// it go; do not keep ConsumedMessage objects buffered for long.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pinsync/common/model.h"

struct rd_kafka_message_s;

namespace pinsync::kafka {

class ConsumedMessage {
 public:
  // An owning copy, for fakes and tests.
  ConsumedMessage(TopicPartition tp, int64_t offset, std::string key, std::string value,
                  int64_t timestamp_ms = 0);
  // Takes ownership of a message librdkafka returned without error (internal use).
  static ConsumedMessage Adopt(rd_kafka_message_s* message);

  ConsumedMessage(ConsumedMessage&&) noexcept = default;
  ConsumedMessage& operator=(ConsumedMessage&&) noexcept = default;
  ~ConsumedMessage() = default;

  const TopicPartition& tp() const { return tp_; }
  int64_t offset() const { return offset_; }
  // Empty when the message has no key.
  std::string_view key() const;
  std::string_view value() const;
  // The message's CreateTime/LogAppendTime in ms since the epoch; 0 when unknown.
  int64_t timestamp_ms() const { return timestamp_ms_; }

 private:
  struct MessageDeleter {
    void operator()(rd_kafka_message_s* m) const;
  };
  ConsumedMessage() = default;

  TopicPartition tp_;
  int64_t offset_ = 0;
  int64_t timestamp_ms_ = 0;
  std::unique_ptr<rd_kafka_message_s, MessageDeleter> message_;
  std::string owned_key_;  // used only when message_ is null
  std::string owned_value_;
};

}  // namespace pinsync::kafka
