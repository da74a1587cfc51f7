#pragma once
// Turns request bodies, query parameters and headers into typed requests, checking them against
// the contract (required fields, types, enums, records). Pure: no sockets.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/sandbox/api_error.h"
#include "pinsync/sandbox/sandbox_state.h"

namespace pinsync::sandbox {

using QueryParams = std::multimap<std::string, std::string>;  // httplib::Params

struct CreateListRequest {  // CustomerListRequest
  std::string name;
  std::string list_type = "EMAIL";
  std::vector<HashedId> records;
};

struct UpdateListRequest {  // CustomerListUpdateRequest
  MembershipOp operation = MembershipOp::kAdd;
  std::vector<HashedId> records;
};

struct CreateAudienceRequest {  // AudienceCreateRequest
  std::string name;
  std::string audience_type;
  std::string customer_list_id;
  std::optional<std::string> description;
};

struct TokenRequest {  // OauthAccessTokenRequest, form-encoded
  std::string grant_type;
  std::string refresh_token;
  std::string scope;
};

struct BasicCredentials {
  std::string user;
  std::string password;
};

Result<CreateListRequest, ApiError> DecodeCreateList(std::string_view body);
Result<UpdateListRequest, ApiError> DecodeUpdateList(std::string_view body);
Result<CreateAudienceRequest, ApiError> DecodeCreateAudience(std::string_view body);
// Only grant_type=refresh_token is implemented; the other contract grants are a 400.
Result<TokenRequest, ApiError> DecodeTokenRequest(std::string_view form_body);

// page_size (1..250, default 25), order (ASCENDING|DESCENDING), bookmark.
Result<PageQuery, ApiError> DecodePageQuery(const QueryParams& params);
// ownership_type (OWNED|RECEIVED, default OWNED): true for RECEIVED.
Result<bool, ApiError> DecodeReceivedOwnership(const QueryParams& params);

// application/x-www-form-urlencoded into name/value pairs (percent and '+' decoded).
std::map<std::string, std::string> ParseForm(std::string_view body);
// Whether a Content-Type header names `media_type` (parameters such as charset ignored).
bool IsMediaType(std::string_view content_type, std::string_view media_type);
// The token of "Authorization: Bearer <token>"; empty if the header is absent or another scheme.
std::string_view BearerToken(std::string_view authorization);
// "Authorization: Basic base64(user:password)"; nullopt if absent or malformed.
std::optional<BasicCredentials> DecodeBasicAuth(std::string_view authorization);

}  // namespace pinsync::sandbox
