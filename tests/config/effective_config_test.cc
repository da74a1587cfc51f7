// RenderEffectiveConfig: every key, effective values, and no secret ever printed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "config_test_support.h"
#include "pinsync/config/load.h"
#include "pinsync/config/render.h"
#include "property_table.h"

namespace pinsync::config {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::MinimalYaml;
using ::testing::Not;

TEST(EffectiveConfigTest, ListsEveryGlobalKeyWithItsValue) {
  auto c =
      LoadConfigString(MinimalYaml() + "batching: {max_age: 90m}\n", "f.yaml", testing::TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  const std::string out = RenderEffectiveConfig(*c);
  EXPECT_THAT(out, HasSubstr("kafka:\n  bootstrap_servers: \"localhost:9092\"\n"));
  EXPECT_THAT(out, HasSubstr("  topics:\n    - \"membership\"\n"));
  EXPECT_THAT(out, HasSubstr("  commit_interval: 5s\n"));
  EXPECT_THAT(out, HasSubstr("  max_message_bytes: 1MiB\n"));
  EXPECT_THAT(out, HasSubstr("batching:\n  max_records: 100000\n  max_age: 90m\n"));
  EXPECT_THAT(out, HasSubstr("identifiers:\n  hash_algorithm: sha256\n"));
  EXPECT_THAT(out, HasSubstr("audiences: {}"));
  // Every last segment of every global key appears as a key line.
  for (const Property& p : Properties()) {
    if (SplitKey(p.name)[0] == "audiences" || IsListRow(p)) continue;  // no entries here
    EXPECT_THAT(out, HasSubstr(" " + SplitKey(p.name).back() + ":")) << p.name;
  }
}

TEST(EffectiveConfigTest, SecretsAreRedactedOrUnset) {
  const std::string dir = testing::TempDir();
  const std::string secret = testing::WriteFile(dir, "secret", "APPSECRET_zz9\n");
  auto c = LoadConfigString(MinimalYaml() + "  app_secret_file: " + secret + "\n", "f.yaml",
                            {{"PINTEREST_ACCESS_TOKEN", "pina_ACCESS_q1w2"},
                             {"PINTEREST_REFRESH_TOKEN", "REFRESH_e3r4"},
                             {"PINTEREST_APP_ID", "5"},
                             {"PINSYNC_KAFKA__PROPERTIES__SASL_PASSWORD", "KAFKAPW_t5y6"},
                             {"PINSYNC_KAFKA__PROPERTIES__SASL_USERNAME", "svc-user"}});
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  const std::string out = RenderEffectiveConfig(*c);
  for (const char* secret_value :
       {"pina_ACCESS_q1w2", "REFRESH_e3r4", "APPSECRET_zz9", "KAFKAPW_t5y6"}) {
    EXPECT_THAT(out, Not(HasSubstr(secret_value)));
  }
  EXPECT_THAT(out, HasSubstr("  access_token: <redacted>\n"));
  EXPECT_THAT(out, HasSubstr("  app_secret: <redacted>\n"));
  EXPECT_THAT(out, HasSubstr("  refresh_token: <redacted>\n"));
  EXPECT_THAT(out, HasSubstr("    \"sasl.password\": <redacted>\n"));
  EXPECT_THAT(out, HasSubstr("    \"sasl.username\": \"svc-user\"\n"));
  EXPECT_THAT(out, HasSubstr("  app_secret_file: \"" + secret + "\"\n"));  // a path is not secret

  auto only_token = LoadConfigString(MinimalYaml(), "f.yaml", testing::TokenEnv());
  ASSERT_TRUE(only_token.ok());
  const std::string out2 = RenderEffectiveConfig(*only_token);
  EXPECT_THAT(out2, Not(HasSubstr(testing::kToken)));
  EXPECT_THAT(out2, HasSubstr("  app_secret: <unset>\n"));
}

TEST(EffectiveConfigTest, AudiencesShowEffectiveInheritedValues) {
  auto c = LoadConfigString(MinimalYaml() + "audiences:\n  vip:\n    batching: {max_records: 5}\n",
                            "f.yaml", testing::TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  const std::string out = RenderEffectiveConfig(*c);
  EXPECT_THAT(out, HasSubstr("audiences:\n  \"vip\":\n    ad_account_id: \"549755885175\"\n"
                             "    batching:\n      max_records: 5\n      max_age: 3h\n"
                             "    email_list_name: \"\"\n"));
}

TEST(EffectiveConfigTest, OutputLoadsBackToTheSameConfiguration) {
  const std::string source = R"(kafka:
  bootstrap_servers: "k1:9092"
  topics: [a, "b c"]
  properties: {client.id: "x\\y"}
pinterest:
  ad_account_id: "12"
  list_name_template: "q\"uote {list_type}"
batching: {max_records: 17}
audiences:
  "odd id":
    batching: {max_age: 45s}
)";
  auto first = LoadConfigString(source, "f.yaml", testing::TokenEnv());
  ASSERT_TRUE(first.ok()) << ErrorOf(first);
  // Secret lines are not loadable by design; drop them and reload the rest.
  std::istringstream lines(RenderEffectiveConfig(*first));
  std::string reloadable, line;
  while (std::getline(lines, line)) {
    if (line.find("<redacted>") == std::string::npos && line.find("<unset>") == std::string::npos) {
      reloadable += line + "\n";
    }
  }
  auto second = LoadConfigString(reloadable, "rendered.yaml", testing::TokenEnv());
  ASSERT_TRUE(second.ok()) << ErrorOf(second) << "\n" << reloadable;
  EXPECT_EQ(RenderEffectiveConfig(*second), RenderEffectiveConfig(*first));
  EXPECT_EQ(second->pinterest.list_name_template, "q\"uote {list_type}");
  EXPECT_EQ(second->kafka.properties.at("client.id"), "x\\y");
  EXPECT_EQ(second->BatchingFor("odd id").max_age, Millis(45'000));
}

}  // namespace
}  // namespace pinsync::config
