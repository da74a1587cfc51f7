#pragma once
// The sandbox server's insides, shared by sandbox_server.cc (lifecycle, routing, faults before a
// request reaches the API) and sandbox_operations.cc (the contract operations and /_sandbox).

#include <httplib.h>

#include <string>
#include <thread>

#include "pinsync/sandbox/api_json.h"
#include "pinsync/sandbox/fault_plan.h"
#include "pinsync/sandbox/request_counter.h"
#include "pinsync/sandbox/request_router.h"
#include "pinsync/sandbox/sandbox_server.h"
#include "pinsync/sandbox/sandbox_state.h"
#include "pinsync/sandbox/token_book.h"

namespace pinsync::sandbox {

inline constexpr char kJsonMediaType[] = "application/json";

struct SandboxServer::Impl {
  explicit Impl(SandboxOptions opts)
      : options(std::move(opts)),
        clock(options.clock != nullptr ? *options.clock : SystemClock::Instance()),
        state(clock, options.track_membership_changes),
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
    res.set_content(body, kJsonMediaType);
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

}  // namespace pinsync::sandbox
