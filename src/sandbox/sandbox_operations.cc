// The contract operations and the /_sandbox control endpoints, once a request is routed and has
// passed the connection-level faults (latency, drops).
#include <spdlog/spdlog.h>

#include "pinsync/sandbox/request_decoding.h"
#include "sandbox_server_impl.h"

namespace pinsync::sandbox {
namespace {

constexpr int64_t kAccessTokenLifetimeSeconds = 30LL * 24 * 3600;   // Pinterest: 30 days
constexpr int64_t kRefreshTokenLifetimeSeconds = 60LL * 24 * 3600;  // continuous: 60 days

}  // namespace

void SandboxServer::Impl::Dispatch(const Route& route, const httplib::Request& req,
                                   httplib::Response& res) {
  const std::string& account = route.ad_account_id;
  auto rate_headers = [&res](const RateVerdict& rate) {
    if (!rate.configured) return;
    res.set_header("X-RateLimit-Limit", std::to_string(rate.limit));
    res.set_header("X-RateLimit-Remaining", std::to_string(rate.remaining));
    res.set_header("X-RateLimit-Reset", std::to_string(rate.reset_seconds));
  };
  const auto verdict = tokens.Admit(BearerToken(req.get_header_value("Authorization")));
  if (verdict != TokenVerdict::kAccepted) rate_headers(faults.Peek(account));
  switch (verdict) {
    case TokenVerdict::kAccepted:
      break;
    case TokenVerdict::kMissing:
      return Reject(res, MakeApiError(ApiErrc::kUnauthorized,
                                      "Authentication failed: send 'Authorization: Bearer "
                                      "<access token>'"));
    case TokenVerdict::kUnknown:
      return Reject(res, MakeApiError(ApiErrc::kUnauthorized,
                                      "Authentication failed: the access token is not valid for "
                                      "this server; check the token configured for pinsync"));
    case TokenVerdict::kExpired:
      return Reject(res, MakeApiError(ApiErrc::kUnauthorized,
                                      "Authentication failed: the access token has expired; "
                                      "refresh it through POST /v5/oauth/token"));
  }
  if (faults.IsForbidden(account)) {
    rate_headers(faults.Peek(account));
    return Reject(res, MakeApiError(ApiErrc::kForbidden,
                                    "ad account " + account +
                                        " is not accessible with this token; grant the app "
                                        "access to it in Business Manager"));
  }
  const RateVerdict rate = faults.Admit(account);
  rate_headers(rate);
  if (rate.limited) {
    res.set_header("Retry-After", std::to_string(rate.reset_seconds));
    return Reject(
        res, MakeApiError(ApiErrc::kTooManyRequests,
                          "rate limit of " + std::to_string(rate.limit) +
                              " requests exceeded for ad account " + account + "; retry after " +
                              std::to_string(rate.reset_seconds) + " s"));
  }
  if (auto injected = faults.InjectedError()) {
    return Reject(res, MakeApiError(*injected, "injected sandbox fault; retry the request"));
  }

  const bool has_body = route.operation == Operation::kCustomerListsCreate ||
                        route.operation == Operation::kCustomerListsUpdate ||
                        route.operation == Operation::kAudiencesCreate;
  if (has_body && !IsMediaType(req.get_header_value("Content-Type"), kJsonMediaType)) {
    return Reject(res, MakeApiError(ApiErrc::kUnsupportedMediaType,
                                    "Content-Type must be application/json for " +
                                        std::string(OperationName(route.operation))));
  }

  switch (route.operation) {
    case Operation::kCustomerListsList: {
      auto query = DecodePageQuery(req.params);
      if (!query.ok()) return Reject(res, query.error());
      return ReplyWith(res, state.ListLists(account, *query), CustomerListPageJson);
    }
    case Operation::kCustomerListsCreate: {
      auto request = DecodeCreateList(req.body);
      if (!request.ok()) return Reject(res, request.error());
      return ReplyWith(
          res, state.CreateList(account, request->name, request->list_type, request->records),
          CustomerListJson);
    }
    case Operation::kCustomerListsGet:
      return ReplyWith(res, state.GetList(account, route.resource_id), CustomerListJson);
    case Operation::kCustomerListsUpdate: {
      auto request = DecodeUpdateList(req.body);
      if (!request.ok()) return Reject(res, request.error());
      return ReplyWith(
          res, state.UpdateList(account, route.resource_id, request->operation, request->records),
          CustomerListJson);
    }
    case Operation::kAudiencesList: {
      auto query = DecodePageQuery(req.params);
      if (!query.ok()) return Reject(res, query.error());
      auto received = DecodeReceivedOwnership(req.params);
      if (!received.ok()) return Reject(res, received.error());
      // Nothing is ever shared with a sandbox account: RECEIVED is always empty.
      if (*received) return Reply(res, 200, AudiencePageJson(Page<AudienceSnapshot>{}));
      return ReplyWith(res, state.ListAudiences(account, *query), AudiencePageJson);
    }
    case Operation::kAudiencesCreate: {
      auto request = DecodeCreateAudience(req.body);
      if (!request.ok()) return Reject(res, request.error());
      return ReplyWith(res,
                       state.CreateAudience(account, request->name, request->audience_type,
                                            request->customer_list_id, request->description),
                       AudienceJson);
    }
    case Operation::kAudiencesGet:
      return ReplyWith(res, state.GetAudience(account, route.resource_id), AudienceJson);
    case Operation::kOauthToken:
    case Operation::kSandboxState:
    case Operation::kSandboxReset:
    case Operation::kSandboxFaultsGet:
    case Operation::kSandboxFaultsSet:
    case Operation::kSandboxSetUploaded:
      break;  // handled before Dispatch
  }
  Reject(res, MakeApiError(ApiErrc::kNotFound, "operation not served here"));
}

void SandboxServer::Impl::HandleOauth(const httplib::Request& req, httplib::Response& res) {
  auto credentials = DecodeBasicAuth(req.get_header_value("Authorization"));
  if (!credentials || credentials->user.empty() || credentials->password.empty()) {
    return Reject(res, MakeApiError(ApiErrc::kUnauthorized,
                                    "Authentication failed: /oauth/token needs HTTP Basic "
                                    "authentication with app_id:app_secret"));
  }
  if (auto injected = faults.InjectedError()) {
    return Reject(res, MakeApiError(*injected, "injected sandbox fault; retry the request"));
  }
  if (!IsMediaType(req.get_header_value("Content-Type"), "application/x-www-form-urlencoded")) {
    return Reject(res, MakeApiError(ApiErrc::kUnsupportedMediaType,
                                    "Content-Type must be application/x-www-form-urlencoded "
                                    "for oauth/token"));
  }
  auto request = DecodeTokenRequest(req.body);
  if (!request.ok()) return Reject(res, request.error());
  auto issued = tokens.Refresh(request->refresh_token);
  if (!issued.ok()) return Reject(res, issued.error());
  TokenGrant grant{std::move(issued.value()),
                   request->scope.empty() ? "ads:read,ads:write" : request->scope,
                   kAccessTokenLifetimeSeconds, kRefreshTokenLifetimeSeconds};
  Reply(res, 200, TokenResponseJson(grant));
}

void SandboxServer::Impl::HandleControl(const Route& route, const httplib::Request& req,
                                        httplib::Response& res) {
  switch (route.operation) {
    case Operation::kSandboxState:
      return Reply(res, 200,
                   sandbox::StateJson(state.Lists(), state.Audiences(), counter.Snapshot(),
                                      tokens.refreshes()));
    case Operation::kSandboxReset:
      state.Reset();
      counter.Reset();
      tokens.Reset();
      return Reply(res, 200, "{\"reset\":true}");
    case Operation::kSandboxFaultsGet:
      return Reply(res, 200, FaultSpecJson(faults.spec()));
    case Operation::kSandboxFaultsSet: {
      auto spec = DecodeFaultSpec(req.body);
      if (!spec.ok()) return Reject(res, spec.error());
      faults.Reconfigure(*spec);
      tokens.SetExpireAfter(spec->expire_token_after);
      spdlog::info("sandbox: faults set to {}", FaultSpecJson(*spec));
      return Reply(res, 200, FaultSpecJson(*spec));
    }
    case Operation::kSandboxSetUploaded: {
      auto request = DecodeSetUploaded(req.body);
      if (!request.ok()) return Reject(res, request.error());
      return ReplyWith(res,
                       state.SetUploadedRecords(request->ad_account_id, request->customer_list_id,
                                                request->num_uploaded_user_records),
                       CustomerListJson);
    }
    case Operation::kCustomerListsList:
    case Operation::kCustomerListsCreate:
    case Operation::kCustomerListsGet:
    case Operation::kCustomerListsUpdate:
    case Operation::kAudiencesList:
    case Operation::kAudiencesCreate:
    case Operation::kAudiencesGet:
    case Operation::kOauthToken:
      break;
  }
  Reject(res, MakeApiError(ApiErrc::kNotFound, "not a sandbox control endpoint"));
}

}  // namespace pinsync::sandbox
