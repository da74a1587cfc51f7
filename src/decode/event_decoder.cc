#include "pinsync/decode/event_decoder.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

#include <rapidjson/allocators.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "utf8.h"

namespace pinsync::decode {

namespace {

// Small events parse into stack buffers; bigger ones spill to the heap through the pool.
using PoolAllocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;
using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, PoolAllocator, PoolAllocator>;
using Value = Document::ValueType;

// Iterative parsing: nesting depth costs heap, not call stack, so "[[[[..." cannot crash us.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag;

Unexpected<DecodeError> Fail(DecodeErrc code, std::string detail) {
  return Unexpected{DecodeError{code, std::move(detail)}};
}

std::string_view View(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// JSON null is treated like an absent field, so producers that serialize empty optionals work.
bool Present(const Value* v) { return v != nullptr && !v->IsNull(); }

// The UTF-8 of the whole value is checked before parsing; this catches what escapes can still
// produce (a lone "\udc00" decodes to a surrogate, which is not UTF-8).
std::optional<DecodeError> CheckString(const Value& v, std::string_view where) {
  if (!IsValidUtf8(View(v))) {
    return DecodeError{DecodeErrc::kInvalidUtf8, std::string(where) +
                                                     " contains an escaped lone UTF-16 surrogate; "
                                                     "send valid Unicode"};
  }
  return std::nullopt;
}

struct IdentifierKind {
  std::string_view name;
  std::vector<std::string> RawIdentifiers::*list;
};

constexpr std::array<IdentifierKind, 5> kIdentifierKinds = {{
    {"email", &RawIdentifiers::email},
    {"idfa", &RawIdentifiers::idfa},
    {"gaid", &RawIdentifiers::gaid},
    {"email_sha256", &RawIdentifiers::email_sha256},
    {"maid_sha256", &RawIdentifiers::maid_sha256},
}};

std::optional<DecodeError> AppendIdentifier(const Value& v, std::string_view kind,
                                            std::vector<std::string>& out) {
  if (!v.IsString()) {
    return DecodeError{DecodeErrc::kWrongType, "identifiers." + std::string(kind) +
                                                   " must be a string or an array of strings"};
  }
  if (auto err = CheckString(v, "identifiers." + std::string(kind))) return err;
  if (v.GetStringLength() > 0) out.emplace_back(View(v));  // empty means "none"
  return std::nullopt;
}

// Unknown kinds are ignored (forward compatibility); a known kind is a string or string array.
std::optional<DecodeError> ReadIdentifiers(const Value& object, RawIdentifiers& ids) {
  for (auto m = object.MemberBegin(); m != object.MemberEnd(); ++m) {
    const std::string_view name = View(m->name);
    const IdentifierKind* kind = nullptr;
    for (const auto& k : kIdentifierKinds) {
      if (k.name == name) kind = &k;
    }
    if (kind == nullptr || m->value.IsNull()) continue;
    auto& out = ids.*(kind->list);
    out.clear();  // a repeated member: the last one wins, as for top-level fields
    if (m->value.IsArray()) {
      out.reserve(m->value.Size());
      for (const auto& element : m->value.GetArray()) {
        if (auto err = AppendIdentifier(element, kind->name, out)) return err;
      }
    } else if (auto err = AppendIdentifier(m->value, kind->name, out)) {
      return err;
    }
  }
  return std::nullopt;
}

struct TopLevelFields {
  const Value* audience_id = nullptr;
  const Value* audience_name = nullptr;
  const Value* op = nullptr;
  const Value* user_id = nullptr;
  const Value* identifiers = nullptr;
  const Value* ts = nullptr;
};

// One pass over the members; unknown members are ignored, a repeated member's last value wins.
TopLevelFields FindFields(const Value& root) {
  TopLevelFields f;
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    const std::string_view name = View(m->name);
    if (name == "audience_id") {
      f.audience_id = &m->value;
    } else if (name == "audience_name") {
      f.audience_name = &m->value;
    } else if (name == "op") {
      f.op = &m->value;
    } else if (name == "user_id") {
      f.user_id = &m->value;
    } else if (name == "identifiers") {
      f.identifiers = &m->value;
    } else if (name == "ts") {
      f.ts = &m->value;
    }
  }
  return f;
}

}  // namespace

EventDecoder::EventDecoder(size_t max_message_bytes, DecoderStats* stats)
    : max_message_bytes_(max_message_bytes), stats_(stats) {}

Result<MembershipEvent, DecodeError> EventDecoder::Decode(std::string_view key,
                                                          std::string_view value) const {
  auto result = DecodeUncounted(key, value);
  if (stats_ != nullptr) {
    if (result.ok()) {
      stats_->decoded.Increment();
    } else {
      stats_->CountRejected(result.error().code);
    }
  }
  return result;
}

Result<MembershipEvent, DecodeError> EventDecoder::DecodeUncounted(std::string_view key,
                                                                   std::string_view value) const {
  if (value.size() > max_message_bytes_ || key.size() > max_message_bytes_ - value.size()) {
    return Fail(DecodeErrc::kTooLarge,
                "message key + value is " + std::to_string(key.size() + value.size()) +
                    " bytes, over the limit of " + std::to_string(max_message_bytes_) +
                    " (kafka.max_message_bytes); split the event or raise the limit");
  }
  if (!IsValidUtf8(value)) {
    return Fail(DecodeErrc::kInvalidUtf8, "message value is not valid UTF-8; send UTF-8 JSON");
  }

  alignas(16) char value_buffer[8192];
  alignas(16) char stack_buffer[2048];
  PoolAllocator value_allocator(value_buffer, sizeof value_buffer);
  PoolAllocator stack_allocator(stack_buffer, sizeof stack_buffer);
  Document doc(&value_allocator, 1024, &stack_allocator);
  doc.Parse<kParseFlags>(value.data(), value.size());
  if (doc.HasParseError()) {
    return Fail(DecodeErrc::kMalformedJson, "message value is not JSON (at byte " +
                                                std::to_string(doc.GetErrorOffset()) + ": " +
                                                rapidjson::GetParseError_En(doc.GetParseError()) +
                                                "); send one JSON object per message");
  }
  if (!doc.IsObject()) {
    return Fail(DecodeErrc::kNotAnObject, "message value must be a JSON object");
  }

  const TopLevelFields f = FindFields(doc);
  MembershipEvent event;

  if (!Present(f.audience_id)) {
    return Fail(DecodeErrc::kMissingField, "field audience_id is required");
  }
  if (!f.audience_id->IsString()) {
    return Fail(DecodeErrc::kWrongType, "field audience_id must be a string");
  }
  if (f.audience_id->GetStringLength() == 0) {
    return Fail(DecodeErrc::kMissingField, "field audience_id is empty; it is required");
  }
  if (auto err = CheckString(*f.audience_id, "field audience_id")) return Unexpected{*err};
  event.audience_id.assign(View(*f.audience_id));

  if (!Present(f.op)) return Fail(DecodeErrc::kMissingField, "field op is required");
  if (!f.op->IsString()) {
    return Fail(DecodeErrc::kWrongType, "field op must be a string, \"add\" or \"remove\"");
  }
  const std::string_view op = View(*f.op);
  if (op == "add") {
    event.op = MembershipOp::kAdd;
  } else if (op == "remove") {
    event.op = MembershipOp::kRemove;
  } else {
    return Fail(DecodeErrc::kUnknownOp, "field op must be \"add\" or \"remove\" (lowercase)");
  }

  if (Present(f.user_id)) {
    if (!f.user_id->IsString())
      return Fail(DecodeErrc::kWrongType, "field user_id must be a string");
    if (auto err = CheckString(*f.user_id, "field user_id")) return Unexpected{*err};
    event.user_id.assign(View(*f.user_id));
  }
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

  if (Present(f.audience_name)) {
    if (!f.audience_name->IsString()) {
      return Fail(DecodeErrc::kWrongType, "field audience_name must be a string");
    }
    if (auto err = CheckString(*f.audience_name, "field audience_name")) return Unexpected{*err};
    event.audience_name.assign(View(*f.audience_name));
  }
  if (event.audience_name.empty()) event.audience_name = event.audience_id;

  if (Present(f.ts)) {
    if (!f.ts->IsInt64() || f.ts->GetInt64() < 0) {
      return Fail(DecodeErrc::kWrongType,
                  "field ts must be a non-negative integer (milliseconds since the epoch)");
    }
    event.ts_ms = f.ts->GetInt64();
  }

  if (Present(f.identifiers)) {
    if (!f.identifiers->IsObject()) {
      return Fail(DecodeErrc::kWrongType, "field identifiers must be an object");
    }
    if (auto err = ReadIdentifiers(*f.identifiers, event.identifiers)) return Unexpected{*err};
  }
  if (event.identifiers.empty()) {
    return Fail(DecodeErrc::kNoIdentifiers,
                "no identifier: identifiers needs a non-empty email, idfa, gaid, email_sha256 or "
                "maid_sha256");
  }
  return event;
}

}  // namespace pinsync::decode
