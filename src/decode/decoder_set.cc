#include "pinsync/decode/decoder_set.h"

#include "avro_decoder.h"
#include "mapped_decoder.h"
#include "native_decoder.h"
#include "segment_decoder.h"

namespace pinsync::decode {

std::unique_ptr<MessageDecoder> MakeDecoder(const config::InputConfig& input,
                                            const config::Config& config) {
  switch (input.format) {
    case config::InputFormat::kNative:
      break;
    case config::InputFormat::kSegment:
      return std::make_unique<SegmentDecoder>(config.kafka.max_message_bytes);
    case config::InputFormat::kMapped:
      return std::make_unique<MappedDecoder>(input.mapping, config.kafka.max_message_bytes);
    case config::InputFormat::kAvro:
      return std::make_unique<AvroDecoder>(input, config);
  }
  return std::make_unique<NativeDecoder>(config.kafka.max_message_bytes);
}

std::unique_ptr<MessageDecoder> MakeAvroDecoder(const config::InputConfig& input,
                                                const config::Config& config,
                                                std::unique_ptr<SchemaSource> schemas) {
  return std::make_unique<AvroDecoder>(input, config, std::move(schemas));
}

DecoderSet::DecoderSet(const config::Config& config, DecoderStats* stats)
    : native_(std::make_unique<NativeDecoder>(config.kafka.max_message_bytes)), stats_(stats) {
  for (const config::InputConfig& input : config.inputs) {
    by_topic_.emplace(input.topic, MakeDecoder(input, config));
  }
}

MessageDecoder& DecoderSet::For(std::string_view topic) {
  if (by_topic_.empty()) return *native_;  // the common case: only kafka.topics
  auto it = by_topic_.find(topic);
  return it == by_topic_.end() ? *native_ : *it->second;
}

DecodeStatus DecoderSet::DecodeInto(std::string_view topic, std::string_view key,
                                    std::string_view value, MembershipEvent& event) {
  DecodeStatus status = For(topic).DecodeInto(key, value, event);
  if (stats_ != nullptr) stats_->Count(status);
  return status;
}

DecodeResult DecoderSet::Decode(std::string_view topic, std::string_view key,
                                std::string_view value) {
  MembershipEvent event;
  DecodeStatus status = DecodeInto(topic, key, value, event);
  return DecodeResult(std::move(status), std::move(event));
}

}  // namespace pinsync::decode
