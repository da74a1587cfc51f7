#pragma once
// A scripted HttpTransport: every started request is kept, and Poll() answers it with the
// responder (a fake Pinterest, or a test's own function). Single-threaded, like the engine.

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "pinsync/pinterest/http_transport.h"

namespace pinsync::pinterest::testing {

inline HttpResponse Answer(long status, std::string body = "{}",
                           std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline HttpResponse Dropped() {
  HttpResponse r;
  r.error = TransportError::kConnection;
  r.error_detail = "Empty reply from server";
  return r;
}

class FakeTransport final : public HttpTransport {
 public:
  // Returns the answer, or nullopt to keep the request pending until a later Poll().
  using Responder = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

  explicit FakeTransport(Responder responder) : responder_(std::move(responder)) {}

  void Start(HttpRequest request, HttpCallback done) override {
    started_.push_back(request);
    max_in_flight_ = std::max(max_in_flight_, pending_.size() + 1);
    pending_.push_back({std::move(request), std::move(done)});
  }

  void Poll(std::chrono::milliseconds) override {
    std::deque<Pending> still;
    std::vector<std::pair<HttpCallback, HttpResponse>> answered;
    for (auto& p : pending_) {
      if (auto r = responder_(p.request)) {
        answered.emplace_back(std::move(p.done), std::move(*r));
      } else {
        still.push_back(std::move(p));
      }
    }
    pending_ = std::move(still);
    for (auto& [done, response] : answered) done(std::move(response));
  }

  void Wakeup() override { ++wakeups_; }
  size_t InFlight() const override { return pending_.size(); }

  const std::vector<HttpRequest>& started() const { return started_; }
  size_t max_in_flight() const { return max_in_flight_; }

 private:
  struct Pending {
    HttpRequest request;
    HttpCallback done;
  };
  Responder responder_;
  std::deque<Pending> pending_;
  std::vector<HttpRequest> started_;
  size_t max_in_flight_ = 0;
  std::atomic<int> wakeups_{0};
};

}  // namespace pinsync::pinterest::testing
