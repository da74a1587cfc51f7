#pragma once
// Shared by the DOM-based decoders (segment, mapped, avro): size and UTF-8 checks, an iterative
// parse (no recursion, so nesting depth cannot exhaust the stack) and typed reads of members that
// never copy a value into an error message (values may be identifiers).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "pinsync/common/result.h"
#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/membership_event.h"

namespace pinsync::decode::json {

inline Unexpected<DecodeError> Fail(DecodeErrc code, std::string detail) {
  return Unexpected{DecodeError{code, std::move(detail)}};
}

// The size limit, UTF-8 and JSON checks of the native decoder, for a value that must be a JSON
// object. `doc` is filled on success.
std::optional<DecodeError> ParseObject(std::string_view key, std::string_view value,
                                       size_t max_message_bytes, rapidjson::Document& doc);

// A string that may be absent or null: nullopt then. `name` is used in error messages.
Result<std::optional<std::string_view>, DecodeError> OptionalString(const rapidjson::Value* v,
                                                                    std::string_view name);

// Appends a string or each string of an array (empty strings dropped); absent or null adds none.
std::optional<DecodeError> AppendStrings(const rapidjson::Value* v, std::string_view name,
                                         IdentifierValues& out);

// obj[name] if obj is an object that has it, else null.
const rapidjson::Value* Member(const rapidjson::Value* obj, std::string_view name);

}  // namespace pinsync::decode::json
