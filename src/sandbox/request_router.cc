#include "pinsync/sandbox/request_router.h"

#include <algorithm>
#include <string>
#include <vector>

namespace pinsync::sandbox {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool IsPathId(std::string_view s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ApiError NotFound(std::string_view path) {
  return MakeApiError(ApiErrc::kNotFound,
                      "no such route: " + std::string(path.substr(0, 200)) +
                          "; the sandbox serves the contract's customer_lists, audiences and "
                          "oauth/token operations under /v5");
}

ApiError WrongMethod(std::string_view method, std::string_view route, std::string_view allowed) {
  return MakeApiError(ApiErrc::kMethodNotAllowed, "method " + std::string(method.substr(0, 16)) +
                                                      " is not allowed on " + std::string(route) +
                                                      "; allowed: " + std::string(allowed));
}

ApiError BadPathId(std::string_view name) {
  return MakeApiError(ApiErrc::kBadRequest, "path parameter '" + std::string(name) +
                                                "' must be a string of 1 to 18 digits");
}

struct Choice {
  std::string_view method;
  Operation operation;
};

Result<Operation, ApiError> Pick(std::string_view method, std::string_view route,
                                 std::initializer_list<Choice> choices, std::string_view allowed) {
  for (const auto& choice : choices) {
    if (choice.method == method) return choice.operation;
  }
  return Failed(WrongMethod(method, route, allowed));
}

}  // namespace

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kCustomerListsList:
      return "customer_lists/list";
    case Operation::kCustomerListsCreate:
      return "customer_lists/create";
    case Operation::kCustomerListsGet:
      return "customer_lists/get";
    case Operation::kCustomerListsUpdate:
      return "customer_lists/update";
    case Operation::kAudiencesList:
      return "audiences/list";
    case Operation::kAudiencesCreate:
      return "audiences/create";
    case Operation::kAudiencesGet:
      return "audiences/get";
    case Operation::kOauthToken:
      return "oauth/token";
    case Operation::kSandboxState:
      return "_sandbox/state";
    case Operation::kSandboxReset:
      return "_sandbox/reset";
    case Operation::kSandboxFaultsGet:
      return "_sandbox/faults/get";
    case Operation::kSandboxFaultsSet:
      return "_sandbox/faults/set";
    case Operation::kSandboxSetUploaded:
      return "_sandbox/uploaded";
  }
  return "?";
}

bool IsSandboxControl(Operation op) {
  switch (op) {
    case Operation::kSandboxState:
    case Operation::kSandboxReset:
    case Operation::kSandboxFaultsGet:
    case Operation::kSandboxFaultsSet:
    case Operation::kSandboxSetUploaded:
      return true;
    case Operation::kCustomerListsList:
    case Operation::kCustomerListsCreate:
    case Operation::kCustomerListsGet:
    case Operation::kCustomerListsUpdate:
    case Operation::kAudiencesList:
    case Operation::kAudiencesCreate:
    case Operation::kAudiencesGet:
    case Operation::kOauthToken:
      return false;
  }
  return false;
}

bool IsAdAccountOperation(Operation op) {
  return !IsSandboxControl(op) && op != Operation::kOauthToken;
}

Result<Route, ApiError> MatchRoute(std::string_view method, std::string_view path) {
  const auto parts = SplitPath(path);
  Route route;
  auto with = [&](Result<Operation, ApiError> op) -> Result<Route, ApiError> {
    if (!op.ok()) return Failed(op.error());
    route.operation = op.value();
    return route;
  };

  if (parts.size() == 2 && parts[0] == "_sandbox") {
    if (parts[1] == "state") {
      return with(Pick(method, "/_sandbox/state", {{"GET", Operation::kSandboxState}}, "GET"));
    }
    if (parts[1] == "reset") {
      return with(Pick(method, "/_sandbox/reset", {{"POST", Operation::kSandboxReset}}, "POST"));
    }
    if (parts[1] == "uploaded") {
      return with(
          Pick(method, "/_sandbox/uploaded", {{"POST", Operation::kSandboxSetUploaded}}, "POST"));
    }
    if (parts[1] == "faults") {
      return with(
          Pick(method, "/_sandbox/faults",
               {{"GET", Operation::kSandboxFaultsGet}, {"POST", Operation::kSandboxFaultsSet}},
               "GET, POST"));
    }
    return Failed(NotFound(path));
  }
  if (parts.empty() || parts[0] != "v5") return Failed(NotFound(path));

  if (parts.size() == 3 && parts[1] == "oauth" && parts[2] == "token") {
    return with(Pick(method, "/v5/oauth/token", {{"POST", Operation::kOauthToken}}, "POST"));
  }
  if ((parts.size() != 4 && parts.size() != 5) || parts[1] != "ad_accounts") {
    return Failed(NotFound(path));
  }
  const bool lists = parts[3] == "customer_lists";
  const bool audiences = parts[3] == "audiences";
  if (!lists && !audiences) return Failed(NotFound(path));
  if (!IsPathId(parts[2])) return Failed(BadPathId("ad_account_id"));
  route.ad_account_id = std::string(parts[2]);

  if (parts.size() == 4) {
    if (lists) {
      return with(
          Pick(method, "/v5/ad_accounts/{ad_account_id}/customer_lists",
               {{"GET", Operation::kCustomerListsList}, {"POST", Operation::kCustomerListsCreate}},
               "GET, POST"));
    }
    return with(Pick(method, "/v5/ad_accounts/{ad_account_id}/audiences",
                     {{"GET", Operation::kAudiencesList}, {"POST", Operation::kAudiencesCreate}},
                     "GET, POST"));
  }
  if (!IsPathId(parts[4])) return Failed(BadPathId(lists ? "customer_list_id" : "audience_id"));
  route.resource_id = std::string(parts[4]);
  if (lists) {
    return with(
        Pick(method, "/v5/ad_accounts/{ad_account_id}/customer_lists/{customer_list_id}",
             {{"GET", Operation::kCustomerListsGet}, {"PATCH", Operation::kCustomerListsUpdate}},
             "GET, PATCH"));
  }
  // audiences/update (PATCH) is in the contract but pinsync never calls it.
  return with(Pick(method, "/v5/ad_accounts/{ad_account_id}/audiences/{audience_id}",
                   {{"GET", Operation::kAudiencesGet}},
                   "GET (the sandbox does not implement audiences/update)"));
}

}  // namespace pinsync::sandbox
