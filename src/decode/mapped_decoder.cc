#include "mapped_decoder.h"

#include <algorithm>

#include "json_document.h"
#include "utf8.h"

namespace pinsync::decode {
namespace {

using json::Fail;

bool Contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

const rapidjson::Value* CompiledMapping::Field::Resolve(const rapidjson::Value& root) const {
  if (!set() || !compiled.IsValid()) return nullptr;
  const rapidjson::Value* v = compiled.Get(root);
  return v == nullptr || v->IsNull() ? nullptr : v;
}

CompiledMapping::Field CompiledMapping::Compile(std::string name, const std::string& pointer) {
  return Field{std::move(name), pointer, rapidjson::Pointer(pointer.data(), pointer.size())};
}

CompiledMapping::CompiledMapping(const config::FieldMapping& m)
    : audience_id_(Compile("mapping.audience_id", m.audience_id)),
      audience_name_(Compile("mapping.audience_name", m.audience_name)),
      user_id_(Compile("mapping.user_id", m.user_id)),
      ts_(Compile("mapping.ts", m.ts)),
      op_(Compile("mapping.op", m.op)),
      member_(Compile("mapping.member", m.member)),
      add_values_(m.add_values),
      remove_values_(m.remove_values) {
  const std::pair<const char*, const std::string*> kinds[] = {
      {"mapping.identifiers.email", &m.email},
      {"mapping.identifiers.idfa", &m.idfa},
      {"mapping.identifiers.gaid", &m.gaid},
      {"mapping.identifiers.email_sha256", &m.email_sha256},
      {"mapping.identifiers.maid_sha256", &m.maid_sha256},
  };
  IdentifierValues RawIdentifiers::*const lists[] = {
      &RawIdentifiers::email, &RawIdentifiers::idfa, &RawIdentifiers::gaid,
      &RawIdentifiers::email_sha256, &RawIdentifiers::maid_sha256};
  for (size_t i = 0; i < std::size(kinds); ++i) {
    if (kinds[i].second->empty()) continue;
    identifiers_.emplace_back(Compile(kinds[i].first, *kinds[i].second), lists[i]);
  }
}

namespace {

// A string, or an integer read as its decimal text (numeric ids are common in CRMs).
Result<std::optional<std::string>, DecodeError> TextAt(const rapidjson::Value* v,
                                                       std::string_view where) {
  if (v == nullptr) return std::optional<std::string>{};
  if (v->IsInt64()) return std::optional<std::string>{std::to_string(v->GetInt64())};
  if (v->IsUint64()) return std::optional<std::string>{std::to_string(v->GetUint64())};
  auto text = json::OptionalString(v, where);
  if (!text.ok()) return Unexpected{text.error()};
  return std::optional<std::string>{std::string(**text)};
}

std::string Where(std::string_view name, std::string_view pointer) {
  return "\"" + std::string(pointer) + "\" (" + std::string(name) + ")";
}

}  // namespace

DecodeResult CompiledMapping::Read(const rapidjson::Value& root, std::string_view key) const {
  MembershipEvent event;
  auto audience_id =
      TextAt(audience_id_.Resolve(root), Where(audience_id_.name, audience_id_.pointer));
  if (!audience_id.ok()) return Unexpected{audience_id.error()};
  if (!*audience_id || (*audience_id)->empty()) {
    return Fail(DecodeErrc::kMissingField, "the audience id at " +
                                               Where(audience_id_.name, audience_id_.pointer) +
                                               " is absent or empty; it is required");
  }
  event.audience_id = std::move(**audience_id);

  if (member_.set()) {
    const rapidjson::Value* v = member_.Resolve(root);
    if (v == nullptr) {
      return Fail(DecodeErrc::kMissingField, "the membership flag at " +
                                                 Where(member_.name, member_.pointer) +
                                                 " is absent; it is required");
    }
    if (!v->IsBool()) {
      return Fail(DecodeErrc::kWrongType, "the membership flag at " +
                                              Where(member_.name, member_.pointer) +
                                              " must be true (add) or false (remove)");
    }
    event.op = v->GetBool() ? MembershipOp::kAdd : MembershipOp::kRemove;
  } else {
    const rapidjson::Value* v = op_.Resolve(root);
    if (v == nullptr) {
      return Fail(DecodeErrc::kMissingField, "the operation at " + Where(op_.name, op_.pointer) +
                                                 " is absent; it is required");
    }
    auto op = TextAt(v, Where(op_.name, op_.pointer));
    if (!op.ok()) return Unexpected{op.error()};
    if (Contains(add_values_, **op)) {
      event.op = MembershipOp::kAdd;
    } else if (Contains(remove_values_, **op)) {
      event.op = MembershipOp::kRemove;
    } else {
      return Fail(DecodeErrc::kUnknownOp,
                  "the operation at " + Where(op_.name, op_.pointer) +
                      " is none of mapping.add_values or mapping.remove_values");
    }
  }

  auto user_id = TextAt(user_id_.Resolve(root), Where(user_id_.name, user_id_.pointer));
  if (!user_id.ok()) return Unexpected{user_id.error()};
  if (*user_id) event.user_id = std::move(**user_id);
  if (event.user_id.empty()) {
    if (key.empty()) {
      return Fail(DecodeErrc::kMissingField,
                  "no user id (mapping.user_id unset or absent) and the message has no key; key "
                  "messages by user id");
    }
    if (!IsValidUtf8(key)) {
      return Fail(DecodeErrc::kInvalidUtf8,
                  "message key (the user id fallback) is not valid UTF-8; map a user id");
    }
    event.user_id.assign(key);
  }

  auto name =
      TextAt(audience_name_.Resolve(root), Where(audience_name_.name, audience_name_.pointer));
  if (!name.ok()) return Unexpected{name.error()};
  event.audience_name = *name && !(*name)->empty() ? std::move(**name) : event.audience_id;

  if (const rapidjson::Value* ts = ts_.Resolve(root)) {
    if (!ts->IsInt64() || ts->GetInt64() < 0) {
      return Fail(DecodeErrc::kWrongType,
                  "the timestamp at " + Where(ts_.name, ts_.pointer) +
                      " must be a non-negative integer (milliseconds since the epoch)");
    }
    event.ts_ms = ts->GetInt64();
  }

  for (const auto& [field, list] : identifiers_) {
    if (auto err = json::AppendStrings(field.Resolve(root), Where(field.name, field.pointer),
                                       event.identifiers.*list)) {
      return Unexpected{*err};
    }
  }
  if (event.identifiers.empty()) {
    return Fail(DecodeErrc::kNoIdentifiers,
                "no identifier: every mapping.identifiers pointer is absent, null or empty here");
  }
  return event;
}

DecodeStatus MappedDecoder::DecodeInto(std::string_view key, std::string_view value,
                                       MembershipEvent& event) {
  return MoveInto(DecodeFresh(key, value), event);
}

DecodeResult MappedDecoder::DecodeFresh(std::string_view key, std::string_view value) {
  rapidjson::Document doc;
  if (auto err = json::ParseObject(key, value, max_message_bytes_, doc)) return Unexpected{*err};
  return mapping_.Read(doc, key);
}

}  // namespace pinsync::decode
