#include "pinsync/registry/registry_record.h"

#include <rapidjson/document.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <utility>

namespace pinsync::registry {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Field(Writer& w, const char* name, const std::string& value) {
  w.Key(name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string_view TypeName(RecordType type) {
  switch (type) {
    case RecordType::kClaim:
      return "claim";
    case RecordType::kList:
      return "list";
    case RecordType::kToken:
      return "token";
  }
  return "?";
}

}  // namespace

std::string RecordKey(const RegistryRecord& record) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  const std::string_view type = TypeName(record.type);
  w.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  w.String(record.ad_account_id.data(),
           static_cast<rapidjson::SizeType>(record.ad_account_id.size()));
  w.String(record.list_name.data(), static_cast<rapidjson::SizeType>(record.list_name.size()));
  if (record.type == RecordType::kClaim) {
    w.String(record.basis.data(), static_cast<rapidjson::SizeType>(record.basis.size()));
    w.String(record.member.data(), static_cast<rapidjson::SizeType>(record.member.size()));
  }
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<RegistryRecord> DecodeKey(std::string_view key) {
  rapidjson::Document doc;
  doc.Parse(key.data(), key.size());
  if (doc.HasParseError() || !doc.IsArray() || doc.Size() < 3) return std::nullopt;
  for (const auto& part : doc.GetArray()) {
    if (!part.IsString()) return std::nullopt;
  }
  RegistryRecord record;
  const std::string type = doc[0].GetString();
  if (type == "claim") {
    record.type = RecordType::kClaim;
  } else if (type == "list") {
    record.type = RecordType::kList;
  } else if (type == "token") {
    record.type = RecordType::kToken;
  } else {
    return std::nullopt;
  }
  record.ad_account_id = doc[1].GetString();
  record.list_name = doc[2].GetString();
  return record;
}

std::string EncodeRecord(const RegistryRecord& record) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("v");
  w.Int(1);
  Field(w, "type", std::string(TypeName(record.type)));
  Field(w, "ad_account_id", record.ad_account_id);
  Field(w, "list_name", record.list_name);
  if (record.type == RecordType::kClaim) {
    Field(w, "basis", record.basis);
    Field(w, "member", record.member);
  } else if (record.type == RecordType::kToken) {
    w.Key("generation");
    w.Uint64(record.generation);
    Field(w, "sealed", record.sealed);
  } else {
    Field(w, "list_id", record.entry.list_id);
    Field(w, "audience_id", record.entry.audience_id);
    w.Key("audience_ready");
    w.Bool(record.entry.audience_ready);
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

Result<RegistryRecord> DecodeRecord(std::string_view value) {
  rapidjson::Document doc;
  doc.Parse(value.data(), value.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return MakeError("registry record is not a JSON object");
  }
  auto text = [&doc](const char* name, std::string& out) {
    auto it = std::as_const(doc).FindMember(name);
    if (it == std::as_const(doc).MemberEnd() || !it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto version = std::as_const(doc).FindMember("v");
  if (version == std::as_const(doc).MemberEnd() || !version->value.IsInt() ||
      version->value.GetInt() != 1) {
    return MakeError("registry record has no \"v\": 1 (written by a newer pinsync?)");
  }
  RegistryRecord record;
  std::string type;
  if (!text("type", type) || !text("ad_account_id", record.ad_account_id) ||
      !text("list_name", record.list_name)) {
    return MakeError("registry record lacks type, ad_account_id or list_name");
  }
  if (type == "claim") {
    record.type = RecordType::kClaim;
    if (!text("basis", record.basis) || !text("member", record.member) || record.member.empty() ||
        record.basis.empty()) {
      return MakeError("registry claim lacks basis or member");
    }
    return record;
  }
  if (type == "list") {
    record.type = RecordType::kList;
    if (!text("list_id", record.entry.list_id) || record.entry.list_id.empty()) {
      return MakeError("registry list record lacks list_id");
    }
    (void)text("audience_id", record.entry.audience_id);
    auto ready = std::as_const(doc).FindMember("audience_ready");
    record.entry.audience_ready =
        ready != std::as_const(doc).MemberEnd() && ready->value.IsBool() && ready->value.GetBool();
    return record;
  }
  if (type == "token") {
    record.type = RecordType::kToken;
    auto generation = std::as_const(doc).FindMember("generation");
    if (generation == std::as_const(doc).MemberEnd() || !generation->value.IsUint64() ||
        !text("sealed", record.sealed) || record.sealed.empty()) {
      return MakeError("registry token record lacks generation or sealed");
    }
    record.generation = generation->value.GetUint64();
    return record;
  }
  return MakeError("registry record has unknown type \"" + type + "\"");
}

}  // namespace pinsync::registry
