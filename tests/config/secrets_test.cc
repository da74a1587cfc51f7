// Secrets: only from their variables or files, never from YAML or PINSYNC_*, and credentials must
// form a complete flow. No secret value may appear in any error message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "config_test_support.h"
#include "pinsync/config/load.h"

namespace pinsync::config {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::MinimalYaml;
using ::testing::Not;

TEST(SecretsTest, AccessTokenFromEnvironment) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml", {{"PINTEREST_ACCESS_TOKEN", "tok-1"}});
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->pinterest.access_token, "tok-1");
  EXPECT_FALSE(c->pinterest.UsesRefreshFlow());
}

TEST(SecretsTest, AccessTokenFromFileWithTrailingNewlineTrimmed) {
  const std::string dir = testing::TempDir();
  const std::string path = testing::WriteFile(dir, "token", "tok-from-file\r\n");
  auto c = LoadConfigString(MinimalYaml() + "  access_token_file: " + path + "\n", "f.yaml", {});
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->pinterest.access_token, "tok-from-file");
  EXPECT_EQ(c->pinterest.access_token_file, path);
}

TEST(SecretsTest, EnvironmentWinsOverFile) {
  const std::string dir = testing::TempDir();
  const std::string path = testing::WriteFile(dir, "token", "from-file\n");
  auto c = LoadConfigString(MinimalYaml() + "  access_token_file: " + path + "\n", "f.yaml",
                            {{"PINTEREST_ACCESS_TOKEN", "from-env"}});
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->pinterest.access_token, "from-env");
}

TEST(SecretsTest, UnreadableOrEmptySecretFileNamesTheKeyAndPath) {
  const std::string dir = testing::TempDir();
  auto missing =
      LoadConfigString(MinimalYaml() + "  access_token_file: " + dir + "/nope\n", "f.yaml", {});
  EXPECT_THAT(
      ErrorOf(missing),
      HasSubstr("f.yaml: pinterest.access_token_file: cannot read secret file: cannot open '" +
                dir + "/nope'"));
  const std::string empty = testing::WriteFile(dir, "empty", "\n");
  auto blank =
      LoadConfigString(MinimalYaml() + "  access_token_file: " + empty + "\n", "f.yaml", {});
  EXPECT_THAT(ErrorOf(blank), HasSubstr("is empty; write the secret into it"));
  const std::string huge = testing::WriteFile(dir, "huge", std::string(70 * 1024, 'x'));
  auto big = LoadConfigString(MinimalYaml() + "  access_token_file: " + huge + "\n", "f.yaml", {});
  EXPECT_THAT(ErrorOf(big), HasSubstr("is larger than 64KiB"));
  EXPECT_THAT(ErrorOf(big), Not(HasSubstr("xxxx")));
}

TEST(SecretsTest, SecretInYamlIsAnErrorSayingWhatToDo) {
  const std::string yaml = MinimalYaml() +
                           "  access_token: pina_LEAKED_IN_YAML\n"
                           "  app_secret: s3cr3t-in-yaml\n"
                           "  refresh_token: rt-in-yaml\n";
  auto c = LoadConfigString(yaml, "leak.yaml", testing::TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("leak.yaml:6: pinterest.access_token: secret in configuration: secrets "
                           "are never read from the configuration file; remove it and set "
                           "PINTEREST_ACCESS_TOKEN or name a file holding it in "
                           "pinterest.access_token_file"));
  EXPECT_THAT(e, HasSubstr("leak.yaml:7: pinterest.app_secret: secret in configuration"));
  EXPECT_THAT(e, HasSubstr("PINTEREST_APP_SECRET"));
  EXPECT_THAT(e, HasSubstr("leak.yaml:8: pinterest.refresh_token: secret in configuration"));
  EXPECT_THAT(e, Not(HasSubstr("LEAKED")));
  EXPECT_THAT(e, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(e, Not(HasSubstr("rt-in-yaml")));
}

// The secret written into the file is the one problem: no second line calling credentials missing.
TEST(SecretsTest, SecretInYamlIsNotAlsoReportedAsMissingCredentials) {
  auto c =
      LoadConfigString(MinimalYaml() + "  access_token: pina_LEAKED_IN_YAML\n", "one.yaml", {});
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("one.yaml:6: pinterest.access_token: secret in configuration"));
  EXPECT_THAT(e, Not(HasSubstr("missing credentials")));
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 0) << e;  // one line
}

TEST(SecretsTest, RefusedRefreshCredentialIsNotAlsoListedAsMissing) {
  auto c = LoadConfigString(MinimalYaml() + "  app_secret: s3cr3t-in-yaml\n", "r.yaml",
                            {{"PINTEREST_APP_ID", "1234"}});
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("r.yaml:6: pinterest.app_secret: secret in configuration"));
  EXPECT_THAT(e, HasSubstr("the refresh-token flow is incomplete; also set "
                           "PINTEREST_REFRESH_TOKEN (or pinterest.refresh_token_file), or set"));
  EXPECT_THAT(e, Not(HasSubstr("PINTEREST_APP_SECRET (or")));
  EXPECT_THAT(e, Not(HasSubstr("s3cr3t")));
}

TEST(SecretsTest, SecretThroughPinsyncVariableIsRefused) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            {{"PINSYNC_PINTEREST__ACCESS_TOKEN", "pina_VIA_PINSYNC"}});
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("environment PINSYNC_PINTEREST__ACCESS_TOKEN: pinterest.access_token: "
                           "secret in configuration"));
  EXPECT_THAT(e, HasSubstr("PINTEREST_ACCESS_TOKEN"));
  EXPECT_THAT(e, Not(HasSubstr("pina_VIA_PINSYNC")));
}

TEST(SecretsTest, MissingCredentialsNameTheVariables) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml", {});
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("f.yaml: pinterest.access_token: missing credentials"));
  EXPECT_THAT(e, HasSubstr("PINTEREST_ACCESS_TOKEN"));
  EXPECT_THAT(e, HasSubstr("PINTEREST_APP_ID, PINTEREST_APP_SECRET and PINTEREST_REFRESH_TOKEN"));
}

TEST(SecretsTest, CompleteRefreshFlowFromEnvironment) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            {{"PINTEREST_APP_ID", "1234"},
                             {"PINTEREST_APP_SECRET", "app-secret"},
                             {"PINTEREST_REFRESH_TOKEN", "refresh"}});
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->pinterest.app_id, "1234");
  EXPECT_EQ(c->pinterest.app_secret, "app-secret");
  EXPECT_EQ(c->pinterest.refresh_token, "refresh");
  EXPECT_TRUE(c->pinterest.UsesRefreshFlow());
}

TEST(SecretsTest, RefreshFlowFromFilesAndConfiguredAppId) {
  const std::string dir = testing::TempDir();
  const std::string secret = testing::WriteFile(dir, "secret", "app-secret\n");
  const std::string refresh = testing::WriteFile(dir, "refresh", "refresh-token\n");
  auto c = LoadConfigString(MinimalYaml() + "  app_id: \"77\"\n  app_secret_file: " + secret +
                                "\n  refresh_token_file: " + refresh + "\n",
                            "f.yaml", {{"PINTEREST_APP_ID", "88"}});
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->pinterest.app_id, "77");  // the configured id wins over the fallback variable
  EXPECT_EQ(c->pinterest.app_secret, "app-secret");
  EXPECT_EQ(c->pinterest.refresh_token, "refresh-token");
}

TEST(SecretsTest, IncompleteRefreshFlowSaysWhatIsMissing) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            {{"PINTEREST_APP_ID", "1234"}, {"PINTEREST_REFRESH_TOKEN", "r-xyz"}});
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("missing credentials: the refresh-token flow is incomplete; also set "
                           "PINTEREST_APP_SECRET (or pinterest.app_secret_file)"));
  EXPECT_THAT(e, Not(HasSubstr("PINTEREST_APP_ID (or")));
  EXPECT_THAT(e, Not(HasSubstr("r-xyz")));
}

TEST(SecretsTest, BadAppIdFromEnvironmentIsNotEchoed) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            {{"PINTEREST_APP_ID", "pina_misplaced_token"},
                             {"PINTEREST_APP_SECRET", "s"},
                             {"PINTEREST_REFRESH_TOKEN", "r"}});
  EXPECT_THAT(ErrorOf(c),
              HasSubstr("environment PINTEREST_APP_ID: pinterest.app_id: invalid value"));
  EXPECT_THAT(ErrorOf(c), Not(HasSubstr("pina_misplaced_token")));
}

}  // namespace
}  // namespace pinsync::config
