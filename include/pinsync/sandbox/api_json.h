#pragma once
// JSON for the sandbox's answers, in the contract's shapes (CustomerList, Audience, paginated
// lists, OauthAccessTokenResponse, Error), and for its /_sandbox control endpoints.

#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/result.h"
#include "pinsync/sandbox/api_error.h"
#include "pinsync/sandbox/fault_plan.h"
#include "pinsync/sandbox/request_counter.h"
#include "pinsync/sandbox/sandbox_state.h"
#include "pinsync/sandbox/token_book.h"

namespace pinsync::sandbox {

std::string CustomerListJson(const ListSnapshot& list);
std::string CustomerListPageJson(const Page<ListSnapshot>& page);
std::string AudienceJson(const AudienceSnapshot& audience);
std::string AudiencePageJson(const Page<AudienceSnapshot>& page);
// {"code": <HTTP status>, "message": "..."}
std::string ErrorJson(const ApiError& error);

struct TokenGrant {
  IssuedTokens tokens;
  std::string scope;
  int64_t expires_in = 0;
  int64_t refresh_token_expires_in = 0;  // sent only with a rotated refresh token
};
std::string TokenResponseJson(const TokenGrant& grant);

// GET /_sandbox/state: accounts with their lists (members sorted) and audiences, and counters.
std::string StateJson(const std::vector<ListSnapshot>& lists,
                      const std::vector<AudienceSnapshot>& audiences, const RequestCounts& counts,
                      int64_t token_refreshes);

std::string FaultSpecJson(const FaultSpec& spec);
// POST /_sandbox/faults: a JSON object with FaultSpec's field names; absent fields take their
// defaults (the body replaces the whole spec).
Result<FaultSpec, ApiError> DecodeFaultSpec(std::string_view body);

// POST /_sandbox/uploaded (test-only): which list, and the num_uploaded_user_records to report.
struct SetUploadedRequest {
  std::string ad_account_id;
  std::string customer_list_id;
  int64_t num_uploaded_user_records = 0;
};
Result<SetUploadedRequest, ApiError> DecodeSetUploaded(std::string_view body);

}  // namespace pinsync::sandbox
