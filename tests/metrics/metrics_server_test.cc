#include "pinsync/metrics/metrics_server.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <string>

#include "metrics/http_get.h"
#include "pinsync/metrics/build_info.h"

namespace pinsync::metrics {
namespace {

using testing::HttpGet;

std::string Url(const MetricsServer& server, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + path;
}

std::unique_ptr<MetricsServer> StartOnEphemeralPort(
    std::shared_ptr<prometheus::Registry> registry) {
  auto server = MetricsServer::Start("127.0.0.1:0", std::move(registry));
  EXPECT_TRUE(server.ok()) << server.error().message;
  return server.ok() ? std::move(server).value() : nullptr;
}

TEST(MetricsServerTest, ServesCountersOfTheSharedRegistry) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& family = prometheus::BuildCounter()
                     .Name("pinsync_test_events_total")
                     .Help("Events seen by the test")
                     .Register(*registry);
  family.Add({{"result", "ok"}}).Increment(3);

  auto server = StartOnEphemeralPort(registry);
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0) << "port 0 must report the port the OS chose";
  EXPECT_EQ(server->host(), "127.0.0.1");
  EXPECT_EQ(server->registry(), registry);

  auto scrape = HttpGet(Url(*server, "/metrics"));
  ASSERT_EQ(scrape.status, 200) << scrape.error;
  EXPECT_NE(scrape.content_type.find("text/plain"), std::string::npos) << scrape.content_type;
  EXPECT_NE(scrape.body.find("# HELP pinsync_test_events_total Events seen by the test"),
            std::string::npos)
      << scrape.body;
  EXPECT_NE(scrape.body.find("pinsync_test_events_total{result=\"ok\"} 3"), std::string::npos)
      << scrape.body;
}

TEST(MetricsServerTest, MetricsRegisteredAfterStartAppearInTheNextScrape) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto server = StartOnEphemeralPort(registry);
  ASSERT_NE(server, nullptr);

  auto before = HttpGet(Url(*server, "/metrics"));
  ASSERT_EQ(before.status, 200) << before.error;
  EXPECT_EQ(before.body.find("pinsync_late_total"), std::string::npos);

  prometheus::BuildCounter()
      .Name("pinsync_late_total")
      .Help("late")
      .Register(*registry)
      .Add({})
      .Increment();
  auto after = HttpGet(Url(*server, "/metrics"));
  ASSERT_EQ(after.status, 200) << after.error;
  EXPECT_NE(after.body.find("pinsync_late_total 1"), std::string::npos) << after.body;
}

TEST(MetricsServerTest, BuildInfoCarriesTheVersionAndAllocatorLabels) {
  auto registry = std::make_shared<prometheus::Registry>();
  RegisterBuildInfo(*registry, "1.2.3", "tcmalloc", 1700000000.0);
  auto server = StartOnEphemeralPort(registry);
  ASSERT_NE(server, nullptr);

  auto scrape = HttpGet(Url(*server, "/metrics"));
  ASSERT_EQ(scrape.status, 200) << scrape.error;
  EXPECT_NE(scrape.body.find("pinsync_build_info{allocator=\"tcmalloc\",version=\"1.2.3\"} 1"),
            std::string::npos)
      << scrape.body;
  EXPECT_NE(scrape.body.find("pinsync_process_start_time_seconds 1700000000"), std::string::npos)
      << scrape.body;
}

TEST(MetricsServerTest, HealthzAnswers200WithoutTheMetrics) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("pinsync_hidden_total").Help("h").Register(*registry).Add({});
  auto server = StartOnEphemeralPort(registry);
  ASSERT_NE(server, nullptr);

  auto health = HttpGet(Url(*server, MetricsServer::kHealthPath));
  ASSERT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(health.body.find("pinsync_hidden_total"), std::string::npos) << health.body;

  auto unknown = HttpGet(Url(*server, "/nothing-here"));
  EXPECT_EQ(unknown.status, 404) << unknown.error;
}

TEST(MetricsServerTest, TakenPortIsABindErrorNotAnException) {
  auto first = StartOnEphemeralPort(nullptr);
  ASSERT_NE(first, nullptr);
  const std::string taken = "127.0.0.1:" + std::to_string(first->port());

  auto second = MetricsServer::Start(taken, std::make_shared<prometheus::Registry>());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, MetricsErrorKind::kBindFailed);
  EXPECT_NE(second.error().message.find(taken), std::string::npos) << second.error().message;
  EXPECT_NE(second.error().message.find("free port"), std::string::npos) << second.error().message;

  // The first server is unaffected.
  EXPECT_EQ(HttpGet(Url(*first, "/metrics")).status, 200);
}

TEST(MetricsServerTest, AddressNotOnThisHostIsABindError) {
  // 192.0.2.0/24 is TEST-NET-1: never assigned to a local interface, so bind() must fail.
  auto server = MetricsServer::Start("192.0.2.1:0", nullptr);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.error().kind, MetricsErrorKind::kBindFailed);
}

TEST(MetricsServerTest, MalformedAddressIsRejectedBeforeBinding) {
  auto server = MetricsServer::Start("127.0.0.1", nullptr);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.error().kind, MetricsErrorKind::kInvalidAddress);
}

TEST(MetricsServerTest, StoppingReleasesThePort) {
  auto first = StartOnEphemeralPort(nullptr);
  ASSERT_NE(first, nullptr);
  const std::string address = "127.0.0.1:" + std::to_string(first->port());
  first.reset();

  auto again = MetricsServer::Start(address, nullptr);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(HttpGet("http://" + address + "/healthz").status, 200);
}

}  // namespace
}  // namespace pinsync::metrics
