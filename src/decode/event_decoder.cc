// RapidJSON's SSE2 string and whitespace scanning, for this file only: on an in-place buffer it
// loads whole aligned 16-byte blocks, up to 15 bytes past the terminating NUL, and the parse
// buffer below is aligned and padded for that. The other parsers in the project pass lengths (a
// path these macros leave bounded) and tests parse unpadded C strings, so it stays local; no
// other file instantiates RapidJSON's in-place reader. SSE2 is part of every x86-64 CPU.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif

#include "pinsync/decode/event_decoder.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "event_fields.h"
#include "simdjson_event_reader.h"
#include "utf8.h"

namespace pinsync::decode {

namespace {

// Values up to this size (with their NUL and padding) are parsed in a stack buffer; larger ones
// in one heap block.
constexpr size_t kStackParseBuffer = 4096;
// The parse buffer's alignment and size granule: SIMD scanning reads aligned 16-byte blocks.
constexpr size_t kParseBlock = 16;

Unexpected<DecodeError> Fail(DecodeErrc code, std::string detail) {
  return Unexpected{DecodeError{code, std::move(detail)}};
}

Unexpected<DecodeError> WrongType(std::string_view field, std::string_view expected) {
  return Fail(DecodeErrc::kWrongType,
              "field " + std::string(field) + " must be " + std::string(expected));
}

Unexpected<DecodeError> EscapedSurrogate(std::string_view field) {
  return Fail(DecodeErrc::kInvalidUtf8, "field " + std::string(field) +
                                            " contains an escaped lone UTF-16 surrogate; send "
                                            "valid Unicode");
}

// An optional string field: absent and null leave out empty. `escaped`: the value had a
// backslash, so the text may hold an escaped lone surrogate.
std::optional<DecodeError> ReadOptionalString(const ScalarField& field, std::string_view name,
                                              bool escaped, std::string& out) {
  if (!field.present()) return std::nullopt;
  if (field.kind != ScalarField::Kind::kString) return WrongType(name, "a string").error;
  if (escaped && !IsValidUtf8(field.text)) return EscapedSurrogate(name).error;
  out.assign(field.text);
  return std::nullopt;
}

}  // namespace

EventDecoder::EventDecoder(size_t max_message_bytes, DecoderStats* stats, JsonParsers parsers)
    : max_message_bytes_(max_message_bytes), stats_(stats), parsers_(parsers) {}

Result<MembershipEvent, DecodeError> EventDecoder::Decode(std::string_view key,
                                                          std::string_view value) const {
  MembershipEvent event;
  auto status = DecodeInto(key, value, event);
  if (!status.ok()) return Unexpected{status.error()};
  return event;
}

Status<DecodeError> EventDecoder::DecodeInto(std::string_view key, std::string_view value,
                                             MembershipEvent& event) const {
  auto result = DecodeUncounted(key, value, event);
  if (stats_ != nullptr) {
    if (result.ok()) {
      stats_->CountDecoded();
    } else {
      stats_->CountRejected(result.error().code);
    }
  }
  return result;
}

Status<DecodeError> EventDecoder::DecodeUncounted(std::string_view key, std::string_view value,
                                                  MembershipEvent& event) const {
  if (value.size() > max_message_bytes_ || key.size() > max_message_bytes_ - value.size()) {
    return Fail(DecodeErrc::kTooLarge,
                "message key + value is " + std::to_string(key.size() + value.size()) +
                    " bytes, over the limit of " + std::to_string(max_message_bytes_) +
                    " (kafka.max_message_bytes); split the event or raise the limit");
  }
  event.Clear();
  if (parsers_ == JsonParsers::kSimdjsonFirst) {
    EventFields fields;
    if (ReadEventFieldsWithSimdjson(value, event.identifiers, fields)) {
      // Every string simdjson returns is valid UTF-8: no escape needs a second look.
      return CheckFields(key, fields, /*escaped=*/false, event);
    }
    event.Clear();  // declined: the reference reader starts over
  }
  return DecodeWithRapidJson(key, value, event);
}

Status<DecodeError> EventDecoder::DecodeWithRapidJson(std::string_view key, std::string_view value,
                                                      MembershipEvent& event) const {
  const Utf8Scan scan = ScanUtf8(value);
  if (!scan.valid) {
    return Fail(DecodeErrc::kInvalidUtf8, "message value is not valid UTF-8; send UTF-8 JSON");
  }
  // The in-place parser stops at a NUL; a raw NUL is never valid JSON anyway.
  if (scan.has_nul) {
    return Fail(DecodeErrc::kMalformedJson,
                "message value contains a NUL byte; send one JSON object per message");
  }
  const bool escaped = scan.has_backslash;

  // In-place parsing: strings are unescaped inside this copy, never allocated one by one. The
  // copy is followed by a NUL and zeros up to the end of its last 16-byte block.
  const size_t padded = (value.size() + kParseBlock) / kParseBlock * kParseBlock;
  alignas(kParseBlock) char stack_buffer[kStackParseBuffer];
  std::unique_ptr<char[]> heap_buffer;
  char* buffer = stack_buffer;
  if (padded > sizeof stack_buffer) {
    heap_buffer = std::make_unique_for_overwrite<char[]>(padded + kParseBlock - 1);
    const auto address = reinterpret_cast<uintptr_t>(heap_buffer.get());
    buffer = heap_buffer.get() + (kParseBlock - address % kParseBlock) % kParseBlock;
  }
  std::memcpy(buffer, value.data(), value.size());
  std::memset(buffer + value.size(), 0, padded - value.size());

  EventFieldCollector collector(event.identifiers, escaped);
  rapidjson::GenericInsituStringStream<rapidjson::UTF8<>> stream(buffer);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>> reader;
  reader.Parse<rapidjson::kParseInsituFlag>(stream, collector);
  const EventFields& f = collector.fields();
  if (f.too_deep) {
    return Fail(DecodeErrc::kMalformedJson, "message value nests deeper than " +
                                                std::to_string(kMaxNestingDepth) +
                                                " levels; flatten the event");
  }
  if (reader.HasParseError()) {
    return Fail(DecodeErrc::kMalformedJson,
                "message value is not JSON (at byte " + std::to_string(reader.GetErrorOffset()) +
                    ": " + rapidjson::GetParseError_En(reader.GetParseErrorCode()) +
                    "); send one JSON object per message");
  }
  // The collector's views point into `buffer`: checked before it goes.
  return CheckFields(key, f, escaped, event);
}

Status<DecodeError> EventDecoder::CheckFields(std::string_view key, const EventFields& f,
                                              bool escaped, MembershipEvent& event) {
  if (!f.root_is_object) {
    return Fail(DecodeErrc::kNotAnObject, "message value must be a JSON object");
  }

  // Field checks, in the documented order: the first problem is the one reported.
  using Kind = ScalarField::Kind;
  if (!f.audience_id.present()) {
    return Fail(DecodeErrc::kMissingField, "field audience_id is required");
  }
  if (f.audience_id.kind != Kind::kString) return WrongType("audience_id", "a string");
  if (f.audience_id.text.empty()) {
    return Fail(DecodeErrc::kMissingField, "field audience_id is empty; it is required");
  }
  if (escaped && !IsValidUtf8(f.audience_id.text)) return EscapedSurrogate("audience_id");
  event.audience_id.assign(f.audience_id.text);

  if (!f.op.present()) return Fail(DecodeErrc::kMissingField, "field op is required");
  if (f.op.kind != Kind::kString) return WrongType("op", "a string, \"add\" or \"remove\"");
  if (f.op.text == "add") {
    event.op = MembershipOp::kAdd;
  } else if (f.op.text == "remove") {
    event.op = MembershipOp::kRemove;
  } else {
    return Fail(DecodeErrc::kUnknownOp, "field op must be \"add\" or \"remove\" (lowercase)");
  }

  if (auto err = ReadOptionalString(f.user_id, "user_id", escaped, event.user_id))
    return Unexpected{*err};
  if (event.user_id.empty()) {
    if (key.empty()) {
      return Fail(DecodeErrc::kMissingField,
                  "field user_id is absent and the message has no key; key messages by user id");
    }
    if (!IsValidUtf8(key)) {
      return Fail(DecodeErrc::kInvalidUtf8,
                  "message key (the user id fallback) is not valid UTF-8; send user_id or a UTF-8 "
                  "key");
    }
    event.user_id.assign(key);
  }

  if (auto err =
          ReadOptionalString(f.audience_name, "audience_name", escaped, event.audience_name)) {
    return Unexpected{*err};
  }
  if (event.audience_name.empty()) event.audience_name.assign(event.audience_id);

  if (f.ts.present()) {
    if (f.ts.kind != Kind::kNonNegativeInt) {
      return WrongType("ts", "a non-negative integer (milliseconds since the epoch)");
    }
    event.ts_ms = f.ts.number;
  }

  if (f.identifiers == EventFields::Identifiers::kWrongType) {
    return WrongType("identifiers", "an object");
  }
  if (f.identifiers_error) return Unexpected{*f.identifiers_error};
  if (event.identifiers.empty()) {
    return Fail(DecodeErrc::kNoIdentifiers,
                "no identifier: identifiers needs a non-empty email, idfa, gaid, email_sha256 or "
                "maid_sha256");
  }
  return Ok{};
}

}  // namespace pinsync::decode
