#pragma once
// Maps a method and path to one of the contract operations the sandbox implements (or one of
// its /_sandbox control endpoints), with the path parameters checked against the contract.
// Pure, so 404/405/400 routing is unit-tested without sockets.

#include <string>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/sandbox/api_error.h"

namespace pinsync::sandbox {

enum class Operation {
  kCustomerListsList,
  kCustomerListsCreate,
  kCustomerListsGet,
  kCustomerListsUpdate,
  kAudiencesList,
  kAudiencesCreate,
  kAudiencesGet,
  kOauthToken,
  kSandboxState,
  kSandboxReset,
  kSandboxFaultsGet,
  kSandboxFaultsSet,
  kSandboxSetUploaded,
};

// The contract's operationId (e.g. "customer_lists/update"), or "_sandbox/..." for control.
std::string_view OperationName(Operation op);
// True for /_sandbox endpoints: no auth, no faults.
bool IsSandboxControl(Operation op);
// True for the operations under /ad_accounts/{ad_account_id}: rate limit and 403 apply.
bool IsAdAccountOperation(Operation op);

struct Route {
  Operation operation = Operation::kSandboxState;
  std::string ad_account_id;  // digits, for ad-account operations
  std::string resource_id;    // customer_list_id or audience_id, digits
};

// 404 for an unknown path, 405 for a known path with another method, 400 for a path parameter
// that is not a digit string of at most 18 characters.
Result<Route, ApiError> MatchRoute(std::string_view method, std::string_view path);

}  // namespace pinsync::sandbox
