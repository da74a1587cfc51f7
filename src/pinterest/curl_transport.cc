// HttpTransport over one libcurl multi handle. Easy handles are created per request; the multi
// handle's connection cache keeps connections alive between them (and multiplexes over HTTP/2).

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "pinsync/pinterest/http_transport.h"

namespace pinsync::pinterest {

std::string_view ToString(HttpMethod m) {
  switch (m) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPatch:
      return "PATCH";
  }
  return "?";
}

std::string_view ToString(TransportError e) {
  switch (e) {
    case TransportError::kNone:
      return "none";
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kConnection:
      return "connection";
    case TransportError::kTls:
      return "tls";
    case TransportError::kOther:
      return "other";
  }
  return "?";
}

const std::string& HttpResponse::Header(const std::string& lowercase_name) const {
  static const std::string kEmpty;
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? kEmpty : it->second;
}

namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct MultiDeleter {
  void operator()(CURLM* h) const { curl_multi_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// Bodies larger than this are cut: only error excerpts and listing pages are read.
constexpr size_t kMaxResponseBody = 8u << 20;

TransportError ClassifyCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
      return TransportError::kTls;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return TransportError::kOther;
    default:
      return TransportError::kConnection;
  }
}

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(MultiHandle multi, std::string ca_bundle)
      : multi_(std::move(multi)), ca_bundle_(std::move(ca_bundle)) {}

  ~CurlTransport() override {
    // Abandon whatever is in flight: detach every easy handle before the multi handle goes.
    for (auto& [easy, transfer] : transfers_) curl_multi_remove_handle(multi_.get(), easy);
    transfers_.clear();
  }

  void Start(HttpRequest request, HttpCallback done) override {
    auto transfer = std::make_unique<Transfer>();
    transfer->done = std::move(done);
    transfer->request = std::move(request);
    if (!Configure(*transfer)) {
      HttpResponse failed;
      failed.error = TransportError::kOther;
      failed.error_detail = "could not set up the request (libcurl refused an option)";
      failed_starts_.push_back({std::move(transfer->done), std::move(failed)});
      return;
    }
    CURL* easy = transfer->easy.get();
    if (curl_multi_add_handle(multi_.get(), easy) != CURLM_OK) {
      HttpResponse failed;
      failed.error = TransportError::kOther;
      failed.error_detail = "could not add the request to the libcurl multi handle";
      failed_starts_.push_back({std::move(transfer->done), std::move(failed)});
      return;
    }
    transfers_.emplace(easy, std::move(transfer));
  }

  void Poll(std::chrono::milliseconds max_wait) override {
    // Failures found in Start() complete here, so a callback never runs inside Start().
    auto failed = std::move(failed_starts_);
    failed_starts_.clear();
    for (auto& [cb, response] : failed) cb(std::move(response));

    int running = 0;
    curl_multi_perform(multi_.get(), &running);
    CollectFinished();
    if (!failed.empty()) return;
    int numfds = 0;
    curl_multi_poll(multi_.get(), nullptr, 0, static_cast<int>(max_wait.count()), &numfds);
    curl_multi_perform(multi_.get(), &running);
    CollectFinished();
  }

  void Wakeup() override { curl_multi_wakeup(multi_.get()); }

  size_t InFlight() const override { return transfers_.size() + failed_starts_.size(); }

 private:
  struct Transfer {
    EasyHandle easy;
    HeaderList headers;
    HttpRequest request;
    HttpResponse response;
    HttpCallback done;
    char error_buffer[CURL_ERROR_SIZE] = {};
  };

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = size * count;
    size_t room = kMaxResponseBody - std::min(kMaxResponseBody, t->response.body.size());
    t->response.body.append(data, std::min(n, room));
    return n;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
      t->response.headers.clear();  // a new response (after 100-continue or a redirect)
      return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    t->response.headers[name] = std::string(value);
    return n;
  }

  bool Configure(Transfer& t) {
    t.easy.reset(curl_easy_init());
    if (!t.easy) return false;
    CURL* h = t.easy.get();
    const HttpRequest& r = t.request;
    // "Expect:" with no value stops curl from waiting for a 100-continue on large bodies.
    std::vector<std::string> lines{"Expect:"};
    for (const auto& [name, value] : r.headers) lines.push_back(name + ": " + value);
    for (const auto& line : lines) {
      curl_slist* grown = curl_slist_append(t.headers.get(), line.c_str());
      if (!grown) return false;
      (void)t.headers.release();
      t.headers.reset(grown);
    }
    bool ok = true;
    auto set = [&ok](CURLcode c) { ok = ok && c == CURLE_OK; };
    set(curl_easy_setopt(h, CURLOPT_URL, r.url.c_str()));
    set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, t.headers.get()));
    set(curl_easy_setopt(h, CURLOPT_PRIVATE, &t));
    set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlTransport::OnBody));
    set(curl_easy_setopt(h, CURLOPT_WRITEDATA, &t));
    set(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlTransport::OnHeader));
    set(curl_easy_setopt(h, CURLOPT_HEADERDATA, &t));
    set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.error_buffer));
    set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(r.connect_timeout.count())));
    set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout.count())));
    set(curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS)));
    set(curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L));
    set(curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L));
    set(curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""));
    // TLS verification is always on; only the CA store may be replaced.
    set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L));
    set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L));
    if (!ca_bundle_.empty()) set(curl_easy_setopt(h, CURLOPT_CAINFO, ca_bundle_.c_str()));
    set(curl_easy_setopt(h, CURLOPT_USERAGENT, "pinsync"));
    switch (r.method) {
      case HttpMethod::kGet:
        set(curl_easy_setopt(h, CURLOPT_HTTPGET, 1L));
        break;
      case HttpMethod::kPost:
        set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(r.body.size())));
        set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data()));
        break;
      case HttpMethod::kPatch:
        set(curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PATCH"));
        set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(r.body.size())));
        set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data()));
        break;
    }
    return ok;
  }

  void CollectFinished() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      transfers_.erase(it);
      curl_multi_remove_handle(multi_.get(), easy);
      if (code == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        t->response.status = status;
      } else {
        t->response.error = ClassifyCurlCode(code);
        t->response.error_detail =
            t->error_buffer[0] != '\0' ? std::string(t->error_buffer) : curl_easy_strerror(code);
        t->response.status = 0;
      }
      t->done(std::move(t->response));
    }
  }

  MultiHandle multi_;
  std::string ca_bundle_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<std::pair<HttpCallback, HttpResponse>> failed_starts_;
};

}  // namespace

Result<std::unique_ptr<HttpTransport>> MakeCurlTransport(const config::PinterestConfig& config) {
  static std::once_flag global_init;
  static CURLcode global_code = CURLE_OK;
  std::call_once(global_init, [] { global_code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global_code != CURLE_OK) {
    return MakeError(std::string("pinterest transport: curl_global_init failed: ") +
                     curl_easy_strerror(global_code));
  }
  MultiHandle multi(curl_multi_init());
  if (!multi) return MakeError("pinterest transport: curl_multi_init failed (out of memory?)");
  curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(std::max(1, config.max_concurrent_requests)));
  return std::unique_ptr<HttpTransport>(
      std::make_unique<CurlTransport>(std::move(multi), config.ca_bundle));
}

}  // namespace pinsync::pinterest
