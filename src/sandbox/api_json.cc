#include "pinsync/sandbox/api_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

namespace pinsync::sandbox {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(JsonWriter& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}
void String(JsonWriter& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void Field(JsonWriter& w, std::string_view key, std::string_view value) {
  Key(w, key);
  String(w, value);
}
void Field(JsonWriter& w, std::string_view key, int64_t value) {
  Key(w, key);
  w.Int64(value);
}

// The contract's CustomerList; `state` adds list_type and members for /_sandbox/state.
void WriteList(JsonWriter& w, const ListSnapshot& list, bool state) {
  w.StartObject();
  Field(w, "ad_account_id", list.ad_account_id);
  Field(w, "created_time", list.created_time);
  Field(w, "id", list.id);
  Field(w, "name", list.name);
  Field(w, "num_batches", list.num_batches);
  Field(w, "num_removed_user_records", list.num_removed_user_records);
  Field(w, "num_uploaded_user_records", list.num_uploaded_user_records);
  Field(w, "status", list.status);
  Field(w, "type", "customerlist");
  Field(w, "updated_time", list.updated_time);
  if (state) {
    Field(w, "list_type", list.list_type);
    Field(w, "member_count", static_cast<int64_t>(list.member_count));
    Key(w, "members");
    w.StartArray();
    for (const auto& member : list.members) String(w, member);
    w.EndArray();
  }
  w.EndObject();
}

void WriteAudience(JsonWriter& w, const AudienceSnapshot& audience) {
  w.StartObject();
  Field(w, "ad_account_id", audience.ad_account_id);
  Field(w, "audience_type", audience.audience_type);
  Field(w, "created_timestamp", audience.created_timestamp);
  Key(w, "description");
  if (audience.description) {
    String(w, *audience.description);
  } else {
    w.Null();
  }
  Field(w, "id", audience.id);
  Field(w, "name", audience.name);
  Key(w, "rule");
  w.StartObject();
  Field(w, "customer_list_id", audience.customer_list_id);
  w.EndObject();
  Field(w, "size", audience.size);
  Field(w, "status", audience.status);
  Field(w, "type", "audience");
  Field(w, "updated_timestamp", audience.updated_timestamp);
  w.EndObject();
}

template <class T, class WriteItem>
std::string PageJson(const Page<T>& page, WriteItem write_item) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "items");
  w.StartArray();
  for (const auto& item : page.items) write_item(w, item);
  w.EndArray();
  Key(w, "bookmark");
  if (page.bookmark) {
    String(w, *page.bookmark);
  } else {
    w.Null();
  }
  w.EndObject();
  return buffer.GetString();
}

void WriteCounts(JsonWriter& w, const std::map<std::string, int64_t>& counts) {
  w.StartObject();
  for (const auto& [name, count] : counts) Field(w, name, count);
  w.EndObject();
}

}  // namespace

std::string CustomerListJson(const ListSnapshot& list) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteList(w, list, false);
  return buffer.GetString();
}

std::string CustomerListPageJson(const Page<ListSnapshot>& page) {
  return PageJson(page, [](JsonWriter& w, const ListSnapshot& l) { WriteList(w, l, false); });
}

std::string AudienceJson(const AudienceSnapshot& audience) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  WriteAudience(w, audience);
  return buffer.GetString();
}

std::string AudiencePageJson(const Page<AudienceSnapshot>& page) {
  return PageJson(page, [](JsonWriter& w, const AudienceSnapshot& a) { WriteAudience(w, a); });
}

std::string ErrorJson(const ApiError& error) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Field(w, "code", HttpStatus(error.code));
  Field(w, "message", error.message);
  w.EndObject();
  return buffer.GetString();
}

std::string TokenResponseJson(const TokenGrant& grant) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Field(w, "access_token", grant.tokens.access_token);
  Field(w, "token_type", "bearer");
  Field(w, "expires_in", grant.expires_in);
  Field(w, "scope", grant.scope);
  Field(w, "response_type", "refresh_token");
  if (grant.tokens.refresh_token) {
    Field(w, "refresh_token", *grant.tokens.refresh_token);
    Field(w, "refresh_token_expires_in", grant.refresh_token_expires_in);
  }
  w.EndObject();
  return buffer.GetString();
}

std::string StateJson(const std::vector<ListSnapshot>& lists,
                      const std::vector<AudienceSnapshot>& audiences, const RequestCounts& counts,
                      int64_t token_refreshes) {
  std::map<std::string,
           std::pair<std::vector<const ListSnapshot*>, std::vector<const AudienceSnapshot*>>>
      accounts;
  for (const auto& list : lists) accounts[list.ad_account_id].first.push_back(&list);
  for (const auto& audience : audiences) {
    accounts[audience.ad_account_id].second.push_back(&audience);
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "ad_accounts");
  w.StartObject();
  for (const auto& [account_id, entities] : accounts) {
    Key(w, account_id);
    w.StartObject();
    Key(w, "customer_lists");
    w.StartArray();
    for (const auto* list : entities.first) WriteList(w, *list, true);
    w.EndArray();
    Key(w, "audiences");
    w.StartArray();
    for (const auto* audience : entities.second) WriteAudience(w, *audience);
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  Key(w, "requests");
  w.StartObject();
  Field(w, "total", counts.total);
  Key(w, "by_operation");
  WriteCounts(w, counts.by_operation);
  Key(w, "by_status");
  WriteCounts(w, counts.by_status);
  w.EndObject();
  Key(w, "oauth");
  w.StartObject();
  Field(w, "refreshes", token_refreshes);
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

std::string FaultSpecJson(const FaultSpec& spec) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Field(w, "rate_limit_per_second", spec.rate_limit_per_second);
  Field(w, "rate_limit_per_minute", spec.rate_limit_per_minute);
  Key(w, "error_rate");
  w.Double(spec.error_rate);
  Field(w, "latency_ms", spec.latency_ms);
  Key(w, "drop_rate");
  w.Double(spec.drop_rate);
  Field(w, "expire_token_after", spec.expire_token_after);
  Field(w, "forbid_account", spec.forbid_account);
  Key(w, "seed");
  w.Uint64(spec.seed);
  w.EndObject();
  return buffer.GetString();
}

Result<FaultSpec, ApiError> DecodeFaultSpec(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Failed(MakeApiError(ApiErrc::kBadRequest,
                               "fault spec must be a JSON object, e.g. {\"error_rate\": 0.1}"));
  }
  FaultSpec spec;
  auto bad = [](std::string_view field, std::string_view rule) {
    return Failed(MakeApiError(ApiErrc::kBadRequest, "fault field '" + std::string(field) +
                                                         "' must be " + std::string(rule)));
  };
  // An index loop: comparing RapidJSON 1.1 member iterators is ambiguous in C++20.
  for (rapidjson::SizeType m = 0; m < doc.MemberCount(); ++m) {
    const auto& member = *(doc.MemberBegin() + m);
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    const auto& v = member.value;
    auto count = [&](int& out) -> bool {
      if (!v.IsInt() || v.GetInt() < 0) return false;
      out = v.GetInt();
      return true;
    };
    auto share = [&](double& out) -> bool {
      if (!v.IsNumber() || v.GetDouble() < 0 || v.GetDouble() > 1) return false;
      out = v.GetDouble();
      return true;
    };
    if (name == "rate_limit_per_second") {
      if (!count(spec.rate_limit_per_second)) return bad(name, "a non-negative integer");
    } else if (name == "rate_limit_per_minute") {
      if (!count(spec.rate_limit_per_minute)) return bad(name, "a non-negative integer");
    } else if (name == "latency_ms") {
      if (!count(spec.latency_ms)) return bad(name, "a non-negative integer");
    } else if (name == "expire_token_after") {
      if (!count(spec.expire_token_after)) return bad(name, "a non-negative integer");
    } else if (name == "error_rate") {
      if (!share(spec.error_rate)) return bad(name, "a number from 0 to 1");
    } else if (name == "drop_rate") {
      if (!share(spec.drop_rate)) return bad(name, "a number from 0 to 1");
    } else if (name == "forbid_account") {
      if (!v.IsString()) return bad(name, "a string (an ad account id, or empty)");
      spec.forbid_account.assign(v.GetString(), v.GetStringLength());
    } else if (name == "seed") {
      if (!v.IsUint64()) return bad(name, "a non-negative integer");
      spec.seed = v.GetUint64();
    } else {
      return Failed(MakeApiError(
          ApiErrc::kBadRequest,
          "unknown fault field '" + name.substr(0, 64) + "'; see docs/sandbox.md for the fields"));
    }
  }
  return spec;
}

Result<SetUploadedRequest, ApiError> DecodeSetUploaded(std::string_view body) {
  auto bad = [] {
    return Failed(
        MakeApiError(ApiErrc::kBadRequest,
                     "the body must be {\"ad_account_id\": \"<digits>\", \"customer_list_id\": "
                     "\"<digits>\", \"num_uploaded_user_records\": <non-negative integer>}"));
  };
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return bad();
  const rapidjson::Value& root = doc;
  auto account = root.FindMember("ad_account_id");
  auto list = root.FindMember("customer_list_id");
  auto uploaded = root.FindMember("num_uploaded_user_records");
  if (account == root.MemberEnd() || !account->value.IsString() || list == root.MemberEnd() ||
      !list->value.IsString() || uploaded == root.MemberEnd() || !uploaded->value.IsInt64() ||
      uploaded->value.GetInt64() < 0) {
    return bad();
  }
  SetUploadedRequest request;
  request.ad_account_id = account->value.GetString();
  request.customer_list_id = list->value.GetString();
  request.num_uploaded_user_records = uploaded->value.GetInt64();
  return request;
}

}  // namespace pinsync::sandbox
