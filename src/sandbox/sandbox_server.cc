#include "pinsync/sandbox/sandbox_server.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "connection_dropper.h"
#include "sandbox_server_impl.h"

namespace pinsync::sandbox {
namespace {

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
      res.set_content_provider(1024, kJsonMediaType,
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
std::map<std::pair<std::string, std::string>, uint32_t> SandboxServer::MembershipChanges() const {
  return impl_->state.MembershipChanges();
}
RequestCounts SandboxServer::Requests() const { return impl_->counter.Snapshot(); }
int64_t SandboxServer::TokenRefreshes() const { return impl_->tokens.refreshes(); }

bool SandboxServer::DeleteList(const std::string& ad_account_id, const std::string& list_id) {
  return impl_->state.DeleteList(ad_account_id, list_id);
}

int64_t SandboxServer::SupersededRefreshTokensPresented() const {
  return impl_->tokens.refused_superseded();
}

Result<ListSnapshot, ApiError> SandboxServer::SetUploadedRecords(const std::string& ad_account_id,
                                                                 const std::string& list_id,
                                                                 int64_t uploaded) {
  return impl_->state.SetUploadedRecords(ad_account_id, list_id, uploaded);
}

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