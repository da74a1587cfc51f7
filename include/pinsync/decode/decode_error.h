#pragma once
// Why a message could not be decoded. The reason strings are a stable interface: they appear in
// dead-letter headers and metric labels, so never rename one.

#include <string>
#include <string_view>

namespace pinsync::decode {

enum class DecodeErrc {
  kTooLarge,       // key + value over the configured size limit
  kInvalidUtf8,    // bytes (or an escaped string) that are not valid UTF-8
  kMalformedJson,  // not parseable as JSON (including an empty value)
  kNotAnObject,    // valid JSON, but the top level is not an object
  kMissingField,   // a required field is absent
  kWrongType,      // a field has the wrong JSON type or an out-of-range value
  kUnknownOp,      // op is neither "add" nor "remove"
  kNoIdentifiers,  // no identifier of a known kind with a non-empty value
  kUnknownSchema,  // avro: the registry has no usable Avro schema for the message's schema id
  kMalformedAvro,  // avro: not the Confluent wire format, or bytes that do not decode
};

// Short stable reason: "too_large", "invalid_utf8", "malformed_json", "not_an_object",
// "missing_field", "wrong_type", "unknown_op", "no_identifiers", "unknown_schema",
// "malformed_avro".
std::string_view Reason(DecodeErrc code);

// All codes, for metric registration and tests.
inline constexpr DecodeErrc kAllDecodeErrcs[] = {
    DecodeErrc::kTooLarge,      DecodeErrc::kInvalidUtf8,   DecodeErrc::kMalformedJson,
    DecodeErrc::kNotAnObject,   DecodeErrc::kMissingField,  DecodeErrc::kWrongType,
    DecodeErrc::kUnknownOp,     DecodeErrc::kNoIdentifiers, DecodeErrc::kUnknownSchema,
    DecodeErrc::kMalformedAvro,
};

struct DecodeError {
  DecodeErrc code;
  // Names the field and the rule, never a field's value (values may be identifiers).
  std::string detail;
};

}  // namespace pinsync::decode
