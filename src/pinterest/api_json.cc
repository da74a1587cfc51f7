#include "pinsync/pinterest/api_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <string_view>

namespace pinsync::pinterest {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, const char* key) { w.Key(key); }
void String(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
std::string Done(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// True when `text` can go between JSON quotes as is: no quote, backslash or control character.
// The records of a request are lowercase hex and commas, so their escaping pass is skipped.
bool NeedsNoEscaping(std::string_view text) {
  for (const char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

// Appends `"records":"<records>"}` to a body written so far: straight into the output string
// when nothing needs escaping (the usual case: one copy, no writer in between).
std::string WithRecords(std::string head, const std::string& records) {
  if (!NeedsNoEscaping(records)) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    String(w, records);
    head.append(",\"records\":");
    head.append(buffer.GetString(), buffer.GetSize());
    head.push_back('}');
    return head;
  }
  head.reserve(head.size() + records.size() + 14);
  head.append(",\"records\":\"");
  head.append(records);
  head.append("\"}");
  return head;
}

std::string StringField(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsUint64()) return std::to_string(it->value.GetUint64());  // lenient on ids
  return {};
}

// A count the contract types as "number": a non-negative integer, or -1 when absent, null,
// negative or not a number (a double is truncated; Pinterest's counters are whole numbers).
int64_t CountField(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return -1;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return -1;
  if (it->value.IsInt64()) return std::max<int64_t>(-1, it->value.GetInt64());
  if (it->value.IsUint64()) return std::numeric_limits<int64_t>::max();
  if (it->value.IsDouble()) {
    const double d = it->value.GetDouble();
    if (!(d >= 0) || d >= 9.2e18) return -1;  // NaN, negative or beyond int64
    return static_cast<int64_t>(d);
  }
  return -1;
}

NamedItem CustomerListItem(const rapidjson::Value& item) {
  NamedItem named;
  named.id = StringField(item, "id");
  named.name = StringField(item, "name");
  named.status = StringField(item, "status");
  named.num_uploaded_user_records = CountField(item, "num_uploaded_user_records");
  named.num_removed_user_records = CountField(item, "num_removed_user_records");
  return named;
}

AudienceItem AudienceOf(const rapidjson::Value& item) {
  AudienceItem a;
  a.id = StringField(item, "id");
  a.audience_type = StringField(item, "audience_type");
  a.status = StringField(item, "status");
  a.size = CountField(item, "size");
  if (item.IsObject()) {
    auto rule = item.FindMember("rule");
    if (rule != item.MemberEnd()) a.customer_list_id = StringField(rule->value, "customer_list_id");
  }
  return a;
}

Result<rapidjson::Document> ParseObject(const std::string& body, const char* what) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return MakeError(std::string("pinterest: the ") + what +
                     " response is not a JSON object (a proxy or an API change?)");
  }
  return doc;
}

Result<const rapidjson::Value*> Items(const rapidjson::Document& doc, const char* what) {
  auto it = doc.FindMember("items");
  if (it == doc.MemberEnd() || !it->value.IsArray()) {
    return MakeError(std::string("pinterest: the ") + what + " response has no \"items\" array");
  }
  return &it->value;
}

// A create body's fields before "records", with `more` bytes reserved after them.
std::string CreateListHead(const std::string& name, ListType list_type, size_t more) {
  // The name (user text) goes through the writer; the records are appended after it.
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "name");
  String(w, name);
  Key(w, "list_type");
  String(w, std::string(ToString(list_type)));
  std::string head;
  head.reserve(buffer.GetSize() + more);
  head.append(buffer.GetString(), buffer.GetSize());
  return head;
}

// An update body's fields before "records", with `more` bytes reserved after them.
std::string UpdateListHead(MembershipOp op, size_t more) {
  std::string head;
  head.reserve(more + 32);
  head.append(op == MembershipOp::kAdd ? R"({"operation_type":"ADD")"
                                       : R"({"operation_type":"REMOVE")");
  return head;
}

constexpr std::string_view kRecordsOpen = R"(,"records":")";

}  // namespace

std::string CreateListBody(const std::string& name, ListType list_type,
                           const std::string& records) {
  return WithRecords(CreateListHead(name, list_type, records.size() + 16), records);
}

std::string UpdateListBody(MembershipOp op, const std::string& records) {
  return WithRecords(UpdateListHead(op, records.size() + 16), records);
}

std::string CreateListBodyOpen(const std::string& name, ListType list_type, size_t records_bytes) {
  std::string body =
      CreateListHead(name, list_type, kRecordsOpen.size() + records_bytes + kRecordsBodyEnd.size());
  body.append(kRecordsOpen);
  return body;
}

std::string UpdateListBodyOpen(MembershipOp op, size_t records_bytes) {
  std::string body =
      UpdateListHead(op, kRecordsOpen.size() + records_bytes + kRecordsBodyEnd.size());
  body.append(kRecordsOpen);
  return body;
}

std::string CreateAudienceBody(const std::string& name, const std::string& customer_list_id) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "audience_type");
  String(w, "CUSTOMER_LIST");
  Key(w, "name");
  String(w, name);
  Key(w, "rule");
  w.StartObject();
  Key(w, "customer_list_id");
  String(w, customer_list_id);
  w.EndObject();
  w.EndObject();
  return Done(buffer);
}

std::string RefreshTokenForm(const std::string& refresh_token) {
  // continuous_refresh=true: the contract asks apps created before 2025-09-25 to send it, and
  // it is harmless for newer ones.
  return "grant_type=refresh_token&refresh_token=" + FormEncode(refresh_token) +
         "&continuous_refresh=true";
}

size_t UpdateBodyOverhead() { return UpdateListBody(MembershipOp::kRemove, "").size(); }

size_t CreateBodyOverhead(const std::string& name) {
  return CreateListBody(name, ListType::kEmail, "").size();
}

Result<CustomerListPage> ParseCustomerListPage(const std::string& body) {
  auto doc = ParseObject(body, "customer list page");
  if (!doc) return Unexpected{doc.error()};
  auto items = Items(*doc, "customer list page");
  if (!items) return Unexpected{items.error()};
  CustomerListPage page;
  for (const auto& item : (*items)->GetArray()) {
    NamedItem named = CustomerListItem(item);
    if (!named.id.empty()) page.items.push_back(std::move(named));
  }
  page.bookmark = StringField(*doc, "bookmark");
  return page;
}

Result<AudiencePage> ParseAudiencePage(const std::string& body) {
  auto doc = ParseObject(body, "audience page");
  if (!doc) return Unexpected{doc.error()};
  auto items = Items(*doc, "audience page");
  if (!items) return Unexpected{items.error()};
  AudiencePage page;
  for (const auto& item : (*items)->GetArray()) page.items.push_back(AudienceOf(item));
  page.bookmark = StringField(*doc, "bookmark");
  return page;
}

Result<std::string> ParseCreatedId(const std::string& body) {
  auto doc = ParseObject(body, "create");
  if (!doc) return Unexpected{doc.error()};
  std::string id = StringField(*doc, "id");
  if (id.empty()) return MakeError("pinterest: the create response has no \"id\"");
  return id;
}

Result<NamedItem> ParseCustomerList(const std::string& body) {
  auto doc = ParseObject(body, "customer list");
  if (!doc) return Unexpected{doc.error()};
  NamedItem list = CustomerListItem(*doc);
  if (list.id.empty()) return MakeError("pinterest: the customer list response has no \"id\"");
  return list;
}

Result<AudienceItem> ParseAudience(const std::string& body) {
  auto doc = ParseObject(body, "audience");
  if (!doc) return Unexpected{doc.error()};
  AudienceItem audience = AudienceOf(*doc);
  if (audience.id.empty()) return MakeError("pinterest: the audience response has no \"id\"");
  return audience;
}

Result<TokenGrant> ParseTokenGrant(const std::string& body) {
  auto doc = ParseObject(body, "oauth/token");
  if (!doc) return Unexpected{doc.error()};
  TokenGrant grant;
  grant.access_token = StringField(*doc, "access_token");
  if (grant.access_token.empty()) {
    return MakeError("pinterest: the oauth/token response has no access_token");
  }
  const rapidjson::Value& root = *doc;
  auto expires = root.FindMember("expires_in");
  if (expires != root.MemberEnd() && expires->value.IsNumber()) {
    grant.expires_in_seconds = static_cast<int64_t>(expires->value.GetDouble());
  }
  grant.refresh_token = StringField(*doc, "refresh_token");
  return grant;
}

std::string SafeErrorExcerpt(const std::string& body) {
  constexpr size_t kMaxExcerpt = 200;
  std::string text;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    const rapidjson::Value& root = doc;
    auto code = root.FindMember("code");
    if (code != root.MemberEnd() && code->value.IsInt()) {
      text = "code " + std::to_string(code->value.GetInt()) + ": ";
    }
    text += StringField(doc, "message");
  } else {
    text = body.substr(0, kMaxExcerpt * 2);
  }
  // Mask runs of 16+ hex or token-like characters: they can only be hashes or secrets.
  std::string out;
  size_t i = 0;
  while (i < text.size() && out.size() < kMaxExcerpt) {
    size_t j = i;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) ||
                               text[j] == '-' || text[j] == '_')) {
      ++j;
    }
    if (j - i >= 16) {
      out += "<redacted>";
      i = j;
    } else if (j > i) {
      out.append(text, i, j - i);
      i = j;
    } else {
      char c = text[i++];
      out.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : ' ');
    }
  }
  if (out.size() > kMaxExcerpt) out.resize(kMaxExcerpt);
  return out;
}

std::string FormEncode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  while (i + 2 < bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
    i += 3;
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace pinsync::pinterest
