// ConsumedMessage: either a zero-copy view owning librdkafka's message, or an owning copy.

#include "pinsync/kafka/consumed_message.h"

#include <librdkafka/rdkafka.h>

namespace pinsync::kafka {

ConsumedMessage::ConsumedMessage(TopicPartition tp, int64_t offset, std::string key,
                                 std::string value, int64_t timestamp_ms)
    : tp_(std::move(tp)),
      offset_(offset),
      timestamp_ms_(timestamp_ms),
      owned_key_(std::move(key)),
      owned_value_(std::move(value)) {}

ConsumedMessage ConsumedMessage::Adopt(rd_kafka_message_s* message) {
  ConsumedMessage out;
  out.message_.reset(message);
  out.tp_ = TopicPartition{rd_kafka_topic_name(message->rkt), message->partition};
  out.offset_ = message->offset;
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const int64_t ts = rd_kafka_message_timestamp(message, &type);
  out.timestamp_ms_ = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? 0 : ts;
  return out;
}

std::string_view ConsumedMessage::key() const {
  // Views are computed on access: a moved std::string (small-string buffer) would dangle.
  if (!message_) return owned_key_;
  if (message_->key == nullptr) return {};
  return {static_cast<const char*>(message_->key), message_->key_len};
}

std::string_view ConsumedMessage::value() const {
  if (!message_) return owned_value_;
  if (message_->payload == nullptr) return {};
  return {static_cast<const char*>(message_->payload), message_->len};
}

void ConsumedMessage::MessageDeleter::operator()(rd_kafka_message_s* m) const {
  rd_kafka_message_destroy(m);
}

}  // namespace pinsync::kafka
