#include <gtest/gtest.h>

#include "pinsync/metrics/metrics_server.h"

namespace pinsync::metrics {
namespace {

TEST(ListenAddressTest, AcceptsHostPortForms) {
  auto any = ParseListenAddress("0.0.0.0:9464");
  ASSERT_TRUE(any.ok()) << any.error().message;
  EXPECT_EQ(any->host, "0.0.0.0");
  EXPECT_EQ(any->port, 9464);

  auto ephemeral = ParseListenAddress("127.0.0.1:0");
  ASSERT_TRUE(ephemeral.ok());
  EXPECT_EQ(ephemeral->port, 0);

  auto v6 = ParseListenAddress("[::1]:65535");
  ASSERT_TRUE(v6.ok()) << v6.error().message;
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->port, 65535);

  auto name = ParseListenAddress("localhost:9464");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->host, "localhost");
}

TEST(ListenAddressTest, RejectsMalformedAddressesWithTheKeyInTheMessage) {
  for (const char* bad : {"9464", "", ":9464", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536",
                          "127.0.0.1:-1", "::1:9464", "[::1:9464", "127.0.0.1:94 64",
                          "host name:9464", "127.0.0.1:99999999999999999999"}) {
    auto parsed = ParseListenAddress(bad);
    ASSERT_FALSE(parsed.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(parsed.error().kind, MetricsErrorKind::kInvalidAddress) << bad;
    EXPECT_NE(parsed.error().message.find("metrics.listen"), std::string::npos) << bad;
    EXPECT_NE(parsed.error().message.find("host:port"), std::string::npos) << bad;
  }
}

TEST(ListenAddressTest, ReasonStringsAreStableAndDistinct) {
  EXPECT_EQ(Reason(MetricsErrorKind::kInvalidAddress), "invalid_address");
  EXPECT_EQ(Reason(MetricsErrorKind::kBindFailed), "bind_failed");
}

}  // namespace
}  // namespace pinsync::metrics
