#pragma once
// Picks the decoder for a message by its topic: native for kafka.topics, the configured format
// for each inputs: entry. Every outcome is counted once here, whatever the format.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pinsync/config/config.h"
#include "pinsync/decode/decoder_stats.h"
#include "pinsync/decode/message_decoder.h"
#include "pinsync/decode/schema_registry_client.h"

namespace pinsync::decode {

// Builds the decoder for one input (native, segment, mapped or avro).
std::unique_ptr<MessageDecoder> MakeDecoder(const config::InputConfig& input,
                                            const config::Config& config);

// An avro decoder that takes its schemas from `schemas` instead of schema_registry.url
// (benchmarks, tools).
std::unique_ptr<MessageDecoder> MakeAvroDecoder(const config::InputConfig& input,
                                                const config::Config& config,
                                                std::unique_ptr<SchemaSource> schemas);

class DecoderSet {
 public:
  // config must have passed validation (config::Load*). stats may be null.
  explicit DecoderSet(const config::Config& config, DecoderStats* stats = nullptr);

  // A topic that is not configured (never consumed in practice) is read as native.
  // Into the caller's reused event (see MessageDecoder::DecodeInto): the consumer thread's path.
  DecodeStatus DecodeInto(std::string_view topic, std::string_view key, std::string_view value,
                          MembershipEvent& event);
  // A fresh event per call (tests, tools).
  DecodeResult Decode(std::string_view topic, std::string_view key, std::string_view value);

 private:
  MessageDecoder& For(std::string_view topic);

  std::unique_ptr<MessageDecoder> native_;
  std::map<std::string, std::unique_ptr<MessageDecoder>, std::less<>> by_topic_;
  DecoderStats* stats_;
};

}  // namespace pinsync::decode
