#include "pinsync/decode/decode_error.h"

#include "pinsync/decode/decode_result.h"

namespace pinsync::decode {

std::string_view Reason(DecodeErrc code) {
  switch (code) {
    case DecodeErrc::kTooLarge:
      return "too_large";
    case DecodeErrc::kInvalidUtf8:
      return "invalid_utf8";
    case DecodeErrc::kMalformedJson:
      return "malformed_json";
    case DecodeErrc::kNotAnObject:
      return "not_an_object";
    case DecodeErrc::kMissingField:
      return "missing_field";
    case DecodeErrc::kWrongType:
      return "wrong_type";
    case DecodeErrc::kUnknownOp:
      return "unknown_op";
    case DecodeErrc::kNoIdentifiers:
      return "no_identifiers";
    case DecodeErrc::kUnknownSchema:
      return "unknown_schema";
    case DecodeErrc::kMalformedAvro:
      return "malformed_avro";
  }
  return "unknown";
}

std::string_view Reason(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNoAudienceTrait:
      return "no_audience_trait";
    case SkipReason::kNotAnAudienceEvent:
      return "not_an_audience_event";
    case SkipReason::kOtherCallType:
      return "other_call_type";
  }
  return "unknown";
}

}  // namespace pinsync::decode
