// CurlTransport over loopback: answers with lowercased headers, timeouts and refused connections
// reported as transport errors (which the retry policy retries), and keep-alive reuse.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pinsync/pinterest/retry_policy.h"
#include "pinterest/sink_fixture.h"

namespace pinsync::pinterest {
namespace {

using namespace testing;  // NOLINT: the test helpers
using std::chrono::milliseconds;

class CurlTransportTest : public SinkFixture {
 protected:
  std::unique_ptr<HttpTransport> Transport() {
    auto t = MakeCurlTransport(Config().pinterest);
    EXPECT_TRUE(t.ok());
    return std::move(t.value());
  }

  // Polls until `done` or a bounded number of turns.
  static void PollUntil(HttpTransport& t, const bool& done) {
    for (int i = 0; i < 1000 && !done; ++i) t.Poll(milliseconds(10));
  }

  HttpRequest Get(const std::string& url, milliseconds total = milliseconds(5000)) {
    HttpRequest r;
    r.url = url;
    r.headers = {{"Authorization", "Bearer t"}};
    r.connect_timeout = milliseconds(2000);
    r.total_timeout = total;
    return r;
  }
};

TEST_F(CurlTransportTest, AnswersCarryStatusBodyAndLowercasedHeaders) {
  sandbox::SandboxOptions options;
  options.faults.rate_limit_per_second = 1000;  // so the answers carry X-RateLimit-* headers
  StartSandbox(options);
  auto t = Transport();
  bool done = false;
  HttpResponse got;
  t->Start(Get(sandbox_->base_url() + "/ad_accounts/111/customer_lists?page_size=5"),
           [&](HttpResponse r) {
             got = std::move(r);
             done = true;
           });
  EXPECT_EQ(t->InFlight(), 1u);
  PollUntil(*t, done);
  ASSERT_TRUE(done);
  EXPECT_EQ(got.error, TransportError::kNone);
  EXPECT_EQ(got.status, 200);
  EXPECT_NE(got.body.find("\"items\""), std::string::npos);
  EXPECT_FALSE(got.Header("x-ratelimit-remaining").empty());
  EXPECT_NE(got.Header("content-type").find("application/json"), std::string::npos);
  EXPECT_EQ(t->InFlight(), 0u);
}

TEST_F(CurlTransportTest, PatchSendsItsBody) {
  StartSandbox();
  auto t = Transport();
  bool done = false;
  HttpResponse got;
  HttpRequest r = Get(sandbox_->base_url() + "/ad_accounts/111/customer_lists/123");
  r.method = HttpMethod::kPatch;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = R"({"operation_type":"ADD","records":")" + IdFor(1).Hex() + R"("})";
  t->Start(std::move(r), [&](HttpResponse a) {
    got = std::move(a);
    done = true;
  });
  PollUntil(*t, done);
  ASSERT_TRUE(done);
  EXPECT_EQ(got.status, 404);  // the body was read and valid: the list simply does not exist
}

TEST_F(CurlTransportTest, TimeoutIsATransportErrorTheRetryPolicyRetries) {
  sandbox::SandboxOptions options;
  options.faults.latency_ms = 2000;
  StartSandbox(options);
  auto t = Transport();
  bool done = false;
  HttpResponse got;
  t->Start(Get(sandbox_->base_url() + "/ad_accounts/111/customer_lists", milliseconds(200)),
           [&](HttpResponse r) {
             got = std::move(r);
             done = true;
           });
  PollUntil(*t, done);
  ASSERT_TRUE(done);
  EXPECT_EQ(got.error, TransportError::kTimeout);
  EXPECT_EQ(Classify(got), ResponseClass::kRetryable);
  EXPECT_FALSE(got.error_detail.empty());
}

TEST_F(CurlTransportTest, RefusedConnectionIsATransportErrorTheRetryPolicyRetries) {
  // A port that was free a moment ago: nothing listens there.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  close(fd);
  StartSandbox();  // only so the fixture's Config() has a base URL
  auto t = Transport();
  bool done = false;
  HttpResponse got;
  t->Start(Get("http://127.0.0.1:" + std::to_string(port) + "/v5/ad_accounts/1/customer_lists"),
           [&](HttpResponse r) {
             got = std::move(r);
             done = true;
           });
  PollUntil(*t, done);
  ASSERT_TRUE(done);
  EXPECT_EQ(got.error, TransportError::kConnection);
  EXPECT_EQ(Classify(got), ResponseClass::kRetryable);
}

TEST_F(CurlTransportTest, MalformedUrlIsPermanentAndReportedFromPoll) {
  StartSandbox();
  auto t = Transport();
  bool done = false;
  HttpResponse got;
  t->Start(Get("notascheme://x"), [&](HttpResponse r) {
    got = std::move(r);
    done = true;
  });
  EXPECT_FALSE(done);  // never from inside Start
  PollUntil(*t, done);
  ASSERT_TRUE(done);
  EXPECT_EQ(Classify(got), ResponseClass::kPermanent);
}

}  // namespace
}  // namespace pinsync::pinterest
