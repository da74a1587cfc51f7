#include "json_document.h"

#include <rapidjson/error/en.h>

#include "utf8.h"

namespace pinsync::decode::json {

std::optional<DecodeError> ParseObject(std::string_view key, std::string_view value,
                                       size_t max_message_bytes, rapidjson::Document& doc) {
  if (value.size() > max_message_bytes || key.size() > max_message_bytes - value.size()) {
    return DecodeError{DecodeErrc::kTooLarge,
                       "message key + value is " + std::to_string(key.size() + value.size()) +
                           " bytes, over the limit of " + std::to_string(max_message_bytes) +
                           " (kafka.max_message_bytes); split the event or raise the limit"};
  }
  if (!IsValidUtf8(value)) {
    return DecodeError{DecodeErrc::kInvalidUtf8,
                       "message value is not valid UTF-8; send UTF-8 JSON"};
  }
  // Iterative: "[[[[..." nests without recursion. Length-based: a raw NUL is a syntax error.
  doc.Parse<rapidjson::kParseIterativeFlag>(value.data(), value.size());
  if (doc.HasParseError()) {
    return DecodeError{DecodeErrc::kMalformedJson,
                       "message value is not JSON (at byte " +
                           std::to_string(doc.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(doc.GetParseError()) +
                           "); send one JSON object per message"};
  }
  if (!doc.IsObject()) {
    return DecodeError{DecodeErrc::kNotAnObject, "message value must be a JSON object"};
  }
  return std::nullopt;
}

Result<std::optional<std::string_view>, DecodeError> OptionalString(const rapidjson::Value* v,
                                                                    std::string_view name) {
  if (v == nullptr || v->IsNull()) return std::optional<std::string_view>{};
  if (!v->IsString()) {
    return Fail(DecodeErrc::kWrongType, "field " + std::string(name) + " must be a string");
  }
  const std::string_view text(v->GetString(), v->GetStringLength());
  if (!IsValidUtf8(text)) {  // an escaped lone surrogate ("\udc00") decodes to invalid UTF-8
    return Fail(DecodeErrc::kInvalidUtf8, "field " + std::string(name) +
                                              " contains an escaped lone UTF-16 surrogate; send "
                                              "valid Unicode");
  }
  return std::optional<std::string_view>{text};
}

std::optional<DecodeError> AppendStrings(const rapidjson::Value* v, std::string_view name,
                                         IdentifierValues& out) {
  if (v == nullptr || v->IsNull()) return std::nullopt;
  auto append = [&](const rapidjson::Value& item) -> std::optional<DecodeError> {
    auto text = OptionalString(&item, name);
    if (!text.ok()) return text.error();
    if (!item.IsString()) {
      return DecodeError{DecodeErrc::kWrongType,
                         "field " + std::string(name) + " must be a string or an array of strings"};
    }
    if (!(*text)->empty()) out.emplace_back(**text);
    return std::nullopt;
  };
  if (v->IsArray()) {
    for (const rapidjson::Value& item : v->GetArray()) {
      if (auto err = append(item)) return err;
    }
    return std::nullopt;
  }
  if (!v->IsString()) {
    return DecodeError{DecodeErrc::kWrongType,
                       "field " + std::string(name) + " must be a string or an array of strings"};
  }
  return append(*v);
}

const rapidjson::Value* Member(const rapidjson::Value* obj, std::string_view name) {
  if (obj == nullptr || !obj->IsObject()) return nullptr;
  auto it = obj->FindMember(rapidjson::Value(
      rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  return it == obj->MemberEnd() ? nullptr : &it->value;
}

}  // namespace pinsync::decode::json
