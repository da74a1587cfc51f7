// The sealing of credentials on the registry topic: only the app's secret opens them, and only
// for the generation they were sealed for.

#include "pinsync/registry/token_envelope.h"

#include <gtest/gtest.h>

namespace pinsync::registry {
namespace {

TEST(TokenEnvelopeTest, OpensWithTheSecretAndHidesThePlaintext) {
  const std::string plain = R"({"refresh_token":"pinr_secret_value","access_token":"pina_x"})";
  auto sealed = SealCredentials("app", "app-secret", 7, plain);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->find("pinr_secret_value"), std::string::npos);
  EXPECT_NE(*sealed, *SealCredentials("app", "app-secret", 7, plain)) << "a fresh nonce each time";
  auto opened = OpenCredentials("app", "app-secret", 7, *sealed);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, plain);
}

TEST(TokenEnvelopeTest, RefusesAnotherSecretAppGenerationOrAnyAlteration) {
  auto sealed = SealCredentials("app", "app-secret", 7, "credentials");
  ASSERT_TRUE(sealed);
  EXPECT_FALSE(OpenCredentials("app", "other-secret", 7, *sealed));
  EXPECT_FALSE(OpenCredentials("other-app", "app-secret", 7, *sealed));
  EXPECT_FALSE(OpenCredentials("app", "app-secret", 8, *sealed)) << "replayed as generation 8";
  std::string altered = *sealed;
  altered[30] = altered[30] == '0' ? '1' : '0';
  EXPECT_FALSE(OpenCredentials("app", "app-secret", 7, altered));
  EXPECT_FALSE(OpenCredentials("app", "app-secret", 7, "zz"));
  EXPECT_FALSE(OpenCredentials("app", "app-secret", 7, ""));
  auto error = OpenCredentials("app", "other-secret", 7, *sealed);
  EXPECT_EQ(error.error().message.find(*sealed), std::string::npos);
  EXPECT_FALSE(SealCredentials("app", "", 1, "x"));
}

}  // namespace
}  // namespace pinsync::registry
