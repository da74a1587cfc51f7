#pragma once
// Any JSON object, read through the JSON Pointers (RFC 6901) of an inputs[].mapping
// (docs/events.md, "Mapped JSON"). The Avro decoder applies the same mapping to its records.

#include <cstddef>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include "pinsync/config/config.h"
#include "pinsync/decode/message_decoder.h"

namespace pinsync::decode {

// A mapping with its pointers parsed once. Pointers were validated with the configuration.
class CompiledMapping {
 public:
  explicit CompiledMapping(const config::FieldMapping& mapping);

  // Reads one event from a parsed object; key is the user id fallback.
  DecodeResult Read(const rapidjson::Value& root, std::string_view key) const;

 private:
  struct Field {
    std::string name;     // "mapping.audience_id", for error messages
    std::string pointer;  // as configured
    rapidjson::Pointer compiled;
    bool set() const { return !pointer.empty(); }
    const rapidjson::Value* Resolve(const rapidjson::Value& root) const;
  };
  static Field Compile(std::string name, const std::string& pointer);

  Field audience_id_, audience_name_, user_id_, ts_, op_, member_;
  std::vector<std::pair<Field, IdentifierValues RawIdentifiers::*>> identifiers_;
  std::vector<std::string> add_values_, remove_values_;
};

class MappedDecoder final : public MessageDecoder {
 public:
  MappedDecoder(const config::FieldMapping& mapping, size_t max_message_bytes)
      : mapping_(mapping), max_message_bytes_(max_message_bytes) {}
  DecodeStatus DecodeInto(std::string_view key, std::string_view value,
                          MembershipEvent& event) override;

 private:
  // Builds a new event (this format parses a DOM, whose strings are copied out anyway).
  DecodeResult DecodeFresh(std::string_view key, std::string_view value);
  CompiledMapping mapping_;
  size_t max_message_bytes_;
};

}  // namespace pinsync::decode
