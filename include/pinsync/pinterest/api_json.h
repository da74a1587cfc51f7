#pragma once
// The JSON of the Ads API v5 operations pinsync uses (docs/pinterest/openapi-v5-audiences.json):
// request bodies out, the fields pinsync needs from responses in. RapidJSON; never throws.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"

namespace pinsync::pinterest {

// POST /ad_accounts/{id}/customer_lists: CustomerListRequest.
std::string CreateListBody(const std::string& name, ListType list_type, const std::string& records);
// PATCH /ad_accounts/{id}/customer_lists/{list_id}: CustomerListUpdateRequest.
std::string UpdateListBody(MembershipOp op, const std::string& records);
// The same two bodies written in one pass: the JSON up to the opening quote of "records", with
// room reserved for `records_bytes` more. The caller appends records that need no escaping
// (lowercase hex and commas: AppendJoinedRecords) and then kRecordsBodyEnd. What this saves
// over the forms above: the joined string, its copy, and their scan for characters to escape.
std::string CreateListBodyOpen(const std::string& name, ListType list_type, size_t records_bytes);
std::string UpdateListBodyOpen(MembershipOp op, size_t records_bytes);
inline constexpr std::string_view kRecordsBodyEnd = "\"}";
// POST /ad_accounts/{id}/audiences: AudienceCreateRequest for a CUSTOMER_LIST audience.
std::string CreateAudienceBody(const std::string& name, const std::string& customer_list_id);
// POST /oauth/token, form-encoded.
std::string RefreshTokenForm(const std::string& refresh_token);

// Bytes of an update body other than its records (for chunk planning).
size_t UpdateBodyOverhead();
// Bytes of a create body other than its records.
size_t CreateBodyOverhead(const std::string& name);

struct NamedItem {
  std::string id;
  std::string name;
  // Pinterest's view of the list (CustomerList.status and its counters; -1: absent).
  std::string status;
  int64_t num_uploaded_user_records = -1;
  int64_t num_removed_user_records = -1;
};
struct CustomerListPage {
  std::vector<NamedItem> items;
  std::string bookmark;  // empty: last page
};
Result<CustomerListPage> ParseCustomerListPage(const std::string& body);

struct AudienceItem {
  std::string id;
  std::string audience_type;
  std::string customer_list_id;  // rule.customer_list_id, when present
  std::string status;            // Audience.status (READY, TOO_SMALL, ...), or ""
  int64_t size = -1;             // Audience.size; -1: absent or null
};
struct AudiencePage {
  std::vector<AudienceItem> items;
  std::string bookmark;
};
Result<AudiencePage> ParseAudiencePage(const std::string& body);

// The "id" of a created CustomerList or Audience.
Result<std::string> ParseCreatedId(const std::string& body);
// A created CustomerList with what it says of itself (id, status, counters).
Result<NamedItem> ParseCustomerList(const std::string& body);
// A created Audience with its status and size.
Result<AudienceItem> ParseAudience(const std::string& body);

struct TokenGrant {
  std::string access_token;
  int64_t expires_in_seconds = 0;
  std::string refresh_token;  // set when Pinterest rotated it
};
Result<TokenGrant> ParseTokenGrant(const std::string& body);

// An error body made safe for a log line: the Error's code and message, long hex runs (hashes,
// tokens) masked, truncated.
std::string SafeErrorExcerpt(const std::string& body);

// application/x-www-form-urlencoded escaping.
std::string FormEncode(const std::string& value);
// Base64 for HTTP basic auth.
std::string Base64(const std::string& bytes);

}  // namespace pinsync::pinterest
