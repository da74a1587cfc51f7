#pragma once
// Avro in the Confluent wire format (docs/events.md, "Avro"): byte 0 is 0, bytes 1-4 the schema
// id (big-endian), the rest one Avro binary datum of that schema. Schemas come from the registry
// and are cached by id for the life of the process (registry ids are immutable). The record is
// turned into a JSON tree (unions unwrapped) and read with the inputs[].mapping pointers, or the
// native field names when no mapping is set.
//
// A registry that cannot be reached holds the consumer thread: the fetch is retried (rounds of
// schema_registry.max_retries attempts with doubling backoff, capped at 30 s) until the registry
// answers, so the message is never dead-lettered for it and its offset is never committed past.
// An id the registry does not know, or bytes that do not decode, are rejected (dead-lettered).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "mapped_decoder.h"
#include "pinsync/config/config.h"
#include "pinsync/decode/message_decoder.h"
#include "pinsync/decode/schema_registry_client.h"

namespace pinsync::decode {

// The mapping used when an avro input sets none: the native contract's field names.
config::FieldMapping NativeFieldMapping();

class AvroDecoder final : public MessageDecoder {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;

  // sleep: how the hold waits between attempts (tests pass one that does not sleep).
  AvroDecoder(const config::InputConfig& input, const config::Config& config, Sleep sleep = {});
  // Schemas from `schemas` instead of the registry (the fuzzer).
  AvroDecoder(const config::InputConfig& input, const config::Config& config,
              std::unique_ptr<SchemaSource> schemas, Sleep sleep = {});
  ~AvroDecoder() override;

  DecodeStatus DecodeInto(std::string_view key, std::string_view value,
                          MembershipEvent& event) override;

  // Fetch attempts that failed because the registry was unavailable (health, tests).
  uint64_t registry_failures() const { return registry_failures_; }

 private:
  // Builds a new event (this format parses a DOM, whose strings are copied out anyway).
  DecodeResult DecodeFresh(std::string_view key, std::string_view value);
  struct CachedSchema;
  // The schema for id, fetched and held for as long as the registry is unavailable; an error
  // when the registry answered that the id is unknown or gave no usable schema.
  Result<const CachedSchema*, DecodeError> SchemaFor(int32_t id);

  CompiledMapping mapping_;
  size_t max_message_bytes_;
  std::unique_ptr<SchemaSource> registry_;
  int max_retries_;
  std::chrono::milliseconds first_backoff_;
  Sleep sleep_;
  std::map<int32_t, std::unique_ptr<CachedSchema>> schemas_;
  std::map<int32_t, DecodeError> unusable_;  // ids the registry rejected, not asked again
  uint64_t registry_failures_ = 0;
};

}  // namespace pinsync::decode
