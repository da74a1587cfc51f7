#include "pinsync/sandbox/sandbox_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "connection_dropper.h"
#include "pinsync/sandbox/api_json.h"
#include "pinsync/sandbox/request_decoding.h"
#include "pinsync/sandbox/request_router.h"
#include "pinsync/sandbox/token_book.h"

namespace pinsync::sandbox {
namespace {

constexpr int64_t kAccessTokenLifetimeSeconds = 30LL * 24 * 3600;   // Pinterest: 30 days
constexpr int64_t kRefreshTokenLifetimeSeconds = 60LL * 24 * 3600;  // continuous: 60 days
constexpr char kJson[] = "application/json";

// The Allow header of a 405: the methods the path does route.
std::string AllowedMethods(const std::string& path) {
  std::string allowed;
  for (const char* method : {"GET", "POST", "PATCH"}) {
    if (MatchRoute(method, path).ok())
      allowed += (allowed.empty() ? "" : ", ") + std::string(method);
  }
  return allowed;
}

}  // namespace

struct SandboxServer::Impl {
  explicit Impl(SandboxOptions opts)
      : options(std::move(opts)),
        clock(options.clock != nullptr ? *options.clock : SystemClock::Instance()),
        state(clock),
        faults(options.faults, clock),
        tokens(options.required_token, options.rotate_refresh_tokens, options.faults.seed) {
    tokens.SetExpireAfter(options.faults.expire_token_after);
  }

  void Handle(const httplib::Request& req, httplib::Response& res);
  // The contract operations, after routing, auth and faults.
  void Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res);
  void HandleOauth(const httplib::Request& req, httplib::Response& res);
  void HandleControl(const Route& route, const httplib::Request& req, httplib::Response& res);

  void Reply(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, kJson);
  }
  void Reject(httplib::Response& res, const ApiError& error) {
    Reply(res, HttpStatus(error.code), ErrorJson(error));
  }
  template <class T, class Encode>
  void ReplyWith(httplib::Response& res, const Result<T, ApiError>& result, Encode encode) {
    if (result.ok()) {
      Reply(res, 200, encode(result.value()));
    } else {
      Reject(res, result.error());
    }
  }

  SandboxOptions options;
  const Clock& clock;
  SandboxState state;
  FaultPlan faults;
  TokenBook tokens;
  RequestCounter counter;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  bool stopped = false;
};

void SandboxServer::Impl::Handle(const httplib::Request& req, httplib::Response& res) {
  auto route = MatchRoute(req.method, req.path);
  if (!route.ok()) {
    if (route.error().code == ApiErrc::kMethodNotAllowed)
      res.set_header("Allow", AllowedMethods(req.path));
    Reject(res, route.error());
    counter.Count("unrouted", std::to_string(res.status));
    return;
  }
  const Operation op = route->operation;
  const std::string_view name = OperationName(op);
  if (IsSandboxControl(op)) {
    HandleControl(*route, req, res);
    counter.Count(name, std::to_string(res.status));
    return;
  }

  if (auto latency = faults.Latency(); latency.count() > 0) std::this_thread::sleep_for(latency);
  if (faults.ShouldDrop()) {
    const int fd = FindConnectionSocket(req.local_port, req.remote_addr, req.remote_port);
    if (fd >= 0) {
      counter.Count(name, "dropped");  // before the client can see the connection end
      ShutdownSocket(fd);
    } else {
      // Socket not found: fail mid-response instead, which clients also see as a broken
      // connection (headers, then the connection ends before the promised body).
      counter.Count(name, "dropped_mid_response");
      res.set_content_provider(1024, kJson,
                               [](size_t, size_t, httplib::DataSink&) { return false; });
    }
    return;
  }

  if (op == Operation::kOauthToken) {
    HandleOauth(req, res);
  } else {
    Dispatch(*route, req, res);
  }
  counter.Count(name, std::to_string(res.status));
}

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
  if (has_body && !IsMediaType(req.get_header_value("Content-Type"), kJson)) {
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

SandboxServer::SandboxServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SandboxServer::~SandboxServer() { Stop(); }

Result<std::unique_ptr<SandboxServer>> SandboxServer::Start(SandboxOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  Impl* raw = impl.get();
  httplib::Server& server = impl->server;
  const int threads = std::max(2, impl->options.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(impl->options.max_body_bytes);
  server.set_keep_alive_max_count(100000);  // like a real API front: keep connections in use
  server.set_tcp_nodelay(true);
  // httplib's default adds SO_REUSEPORT, which lets a second server share a busy port silently.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  auto handler = [raw](const httplib::Request& req, httplib::Response& res) {
    raw->Handle(req, res);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Patch(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
  server.set_exception_handler(
      [raw](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        raw->Reject(res, MakeApiError(ApiErrc::kInternal, "sandbox handler failed; see its log"));
      });

  const std::string& host = impl->options.host;
  int port = impl->options.port;
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return MakeError("sandbox: cannot listen on " + host + ":" +
                     std::to_string(impl->options.port) +
                     "; choose a free port (or 0 for any) and a local address");
  }
  impl->port = port;
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // stop() only acts once the accept loop runs, so wait for it (bounded: about 5 s).
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<SandboxServer>(new SandboxServer(std::move(impl)));
}

int SandboxServer::port() const { return impl_->port; }

std::string SandboxServer::base_url() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port) + "/v5";
}

std::string SandboxServer::StateJson() const {
  return sandbox::StateJson(impl_->state.Lists(), impl_->state.Audiences(),
                            impl_->counter.Snapshot(), impl_->tokens.refreshes());
}

std::vector<ListSnapshot> SandboxServer::Lists() const { return impl_->state.Lists(); }
std::vector<AudienceSnapshot> SandboxServer::Audiences() const { return impl_->state.Audiences(); }
RequestCounts SandboxServer::Requests() const { return impl_->counter.Snapshot(); }
int64_t SandboxServer::TokenRefreshes() const { return impl_->tokens.refreshes(); }

void SandboxServer::SetFaults(const FaultSpec& faults) {
  impl_->faults.Reconfigure(faults);
  impl_->tokens.SetExpireAfter(faults.expire_token_after);
}

FaultSpec SandboxServer::Faults() const { return impl_->faults.spec(); }

void SandboxServer::Reset() {
  impl_->state.Reset();
  impl_->counter.Reset();
  impl_->tokens.Reset();
}

void SandboxServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace pinsync::sandbox
