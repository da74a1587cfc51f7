#include "pinsync/sandbox/request_decoding.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "pinsync/sandbox/records.h"

namespace pinsync::sandbox {
namespace {

ApiError BadRequest(std::string message) {
  return MakeApiError(ApiErrc::kBadRequest, std::move(message));
}

Result<rapidjson::Document, ApiError> ParseObject(std::string_view body, std::string_view what) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    return Failed(BadRequest("request body is not valid JSON (" +
                             std::string(rapidjson::GetParseError_En(doc.GetParseError())) +
                             " at offset " + std::to_string(doc.GetErrorOffset()) + "); send a " +
                             std::string(what) + " object"));
  }
  if (!doc.IsObject()) {
    return Failed(BadRequest("request body must be a JSON object (" + std::string(what) + ")"));
  }
  return doc;
}

// A string member: required ones must be present; all must be strings.
Result<std::optional<std::string>, ApiError> StringField(const rapidjson::Value& object,
                                                         const char* name, bool required) {
  // HasMember + operator[]: comparing RapidJSON 1.1 member iterators is ambiguous in C++20.
  const rapidjson::Value* value = object.HasMember(name) ? &object[name] : nullptr;
  if (value == nullptr || (value->IsNull() && !required)) {
    if (required) {
      return Failed(BadRequest("required field '" + std::string(name) + "' is missing"));
    }
    return std::optional<std::string>{};
  }
  if (!value->IsString()) {
    return Failed(BadRequest("field '" + std::string(name) + "' must be a string"));
  }
  return std::optional<std::string>(std::string(value->GetString(), value->GetStringLength()));
}

// The required `records` field of a create or update: comma-separated hashes.
Result<std::vector<HashedId>, ApiError> RecordsField(const rapidjson::Value& object) {
  auto records = StringField(object, "records", true);
  if (!records.ok()) return Failed(records.error());
  return ParseRecords(**records);
}

template <size_t N>
Result<Ok, ApiError> CheckEnum(const std::string& value, const char* field,
                               const std::array<std::string_view, N>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return Ok{};
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return Failed(BadRequest("field '" + std::string(field) + "' must be one of " + list));
}

constexpr std::array<std::string_view, 6> kUserListTypes = {"EMAIL", "IDFA",   "MAID",
                                                            "LR_ID", "DLX_ID", "HASHED_PINNER_ID"};
constexpr std::array<std::string_view, 5> kAudienceTypes = {"CUSTOMER_LIST", "VISITOR",
                                                            "ENGAGEMENT", "ACTALIKE", "PERSONA"};
constexpr std::array<std::string_view, 2> kOperationTypes = {"ADD", "REMOVE"};
constexpr std::array<std::string_view, 2> kOrders = {"ASCENDING", "DESCENDING"};
constexpr std::array<std::string_view, 2> kOwnershipTypes = {"OWNED", "RECEIVED"};
constexpr std::array<std::string_view, 3> kGrantTypes = {"authorization_code", "refresh_token",
                                                         "client_credentials"};

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::string* QueryValue(const QueryParams& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

}  // namespace

Result<CreateListRequest, ApiError> DecodeCreateList(std::string_view body) {
  auto doc = ParseObject(body, "CustomerListRequest");
  if (!doc.ok()) return Failed(doc.error());
  CreateListRequest out;
  auto name = StringField(*doc, "name", true);
  if (!name.ok()) return Failed(name.error());
  if ((*name)->empty()) return Failed(BadRequest("field 'name' must not be empty"));
  out.name = **name;
  auto list_type = StringField(*doc, "list_type", false);
  if (!list_type.ok()) return Failed(list_type.error());
  if (list_type->has_value()) {
    auto check = CheckEnum(**list_type, "list_type", kUserListTypes);
    if (!check.ok()) return Failed(check.error());
    out.list_type = **list_type;
  }
  auto records = RecordsField(*doc);
  if (!records.ok()) return Failed(records.error());
  out.records = std::move(records.value());
  return out;
}

Result<UpdateListRequest, ApiError> DecodeUpdateList(std::string_view body) {
  auto doc = ParseObject(body, "CustomerListUpdateRequest");
  if (!doc.ok()) return Failed(doc.error());
  UpdateListRequest out;
  auto op = StringField(*doc, "operation_type", true);
  if (!op.ok()) return Failed(op.error());
  auto check = CheckEnum(**op, "operation_type", kOperationTypes);
  if (!check.ok()) return Failed(check.error());
  out.operation = **op == "ADD" ? MembershipOp::kAdd : MembershipOp::kRemove;
  auto records = RecordsField(*doc);
  if (!records.ok()) return Failed(records.error());
  out.records = std::move(records.value());
  return out;
}

Result<CreateAudienceRequest, ApiError> DecodeCreateAudience(std::string_view body) {
  auto doc = ParseObject(body, "AudienceCreateRequest");
  if (!doc.ok()) return Failed(doc.error());
  CreateAudienceRequest out;
  auto type = StringField(*doc, "audience_type", true);
  if (!type.ok()) return Failed(type.error());
  auto check = CheckEnum(**type, "audience_type", kAudienceTypes);
  if (!check.ok()) return Failed(check.error());
  out.audience_type = **type;
  auto name = StringField(*doc, "name", true);
  if (!name.ok()) return Failed(name.error());
  if ((*name)->empty()) return Failed(BadRequest("field 'name' must not be empty"));
  out.name = **name;
  auto account = StringField(*doc, "ad_account_id", false);
  if (!account.ok()) return Failed(account.error());
  if (account->has_value() && !IsDigits(**account)) {
    return Failed(BadRequest("field 'ad_account_id' must be a digit string"));
  }
  auto description = StringField(*doc, "description", false);
  if (!description.ok()) return Failed(description.error());
  out.description = *description;

  if (!doc->HasMember("rule")) return Failed(BadRequest("required field 'rule' is missing"));
  const rapidjson::Value& rule = (*doc)["rule"];
  if (!rule.IsObject()) return Failed(BadRequest("field 'rule' must be an object"));
  auto list_id = StringField(rule, "customer_list_id", false);
  if (!list_id.ok()) {
    return Failed(BadRequest("field 'rule.customer_list_id' must be a string"));
  }
  if (list_id->has_value()) {
    if (!IsDigits(**list_id)) {
      return Failed(BadRequest("field 'rule.customer_list_id' must be a digit string"));
    }
    out.customer_list_id = **list_id;
  } else if (out.audience_type == "CUSTOMER_LIST") {
    return Failed(
        BadRequest("field 'rule.customer_list_id' is required for a CUSTOMER_LIST audience"));
  }
  return out;
}

Result<TokenRequest, ApiError> DecodeTokenRequest(std::string_view form_body) {
  const auto form = ParseForm(form_body);
  TokenRequest out;
  auto grant = form.find("grant_type");
  if (grant == form.end()) {
    return Failed(BadRequest("form field 'grant_type' is missing; send grant_type=refresh_token"));
  }
  auto check = CheckEnum(grant->second, "grant_type", kGrantTypes);
  if (!check.ok()) return Failed(check.error());
  if (grant->second != "refresh_token") {
    return Failed(BadRequest("grant_type " + grant->second +
                             " is not implemented by the sandbox; use refresh_token"));
  }
  out.grant_type = grant->second;
  if (auto it = form.find("refresh_token"); it != form.end()) out.refresh_token = it->second;
  if (auto it = form.find("scope"); it != form.end()) out.scope = it->second;
  return out;
}

Result<PageQuery, ApiError> DecodePageQuery(const QueryParams& params) {
  PageQuery query;
  if (const auto* size = QueryValue(params, "page_size")) {
    int value = 0;
    auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), value);
    if (ec != std::errc() || end != size->data() + size->size() || value < 1 || value > 250) {
      return Failed(BadRequest("query parameter 'page_size' must be an integer from 1 to 250"));
    }
    query.page_size = value;
  }
  if (const auto* order = QueryValue(params, "order")) {
    auto check = CheckEnum(*order, "order", kOrders);
    if (!check.ok()) return Failed(check.error());
    query.descending = *order == "DESCENDING";
  }
  if (const auto* bookmark = QueryValue(params, "bookmark")) query.bookmark = *bookmark;
  return query;
}

Result<bool, ApiError> DecodeReceivedOwnership(const QueryParams& params) {
  const auto* ownership = QueryValue(params, "ownership_type");
  if (ownership == nullptr) return false;
  auto check = CheckEnum(*ownership, "ownership_type", kOwnershipTypes);
  if (!check.ok()) return Failed(check.error());
  return *ownership == "RECEIVED";
}

}  // namespace pinsync::sandbox
