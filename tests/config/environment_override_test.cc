// PINSYNC_* overrides: scalars, lists, map entries, audiences, precedence and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.h"
#include "pinsync/config/load.h"

namespace pinsync::config {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::MinimalYaml;

Environment With(std::initializer_list<std::pair<const std::string, std::string>> vars) {
  Environment env = testing::TokenEnv();
  for (const auto& [k, v] : vars) env[k] = v;
  return env;
}

TEST(EnvironmentOverrideTest, ScalarsOverrideTheFile) {
  auto c = LoadConfigString(MinimalYaml() + "batching: {max_records: 10}\n", "f.yaml",
                            With({{"PINSYNC_BATCHING__MAX_RECORDS", "5000"},
                                  {"PINSYNC_BATCHING__MAX_AGE", "90s"},
                                  {"PINSYNC_PINTEREST__AD_ACCOUNT_ID", "42"},
                                  {"PINSYNC_PINTEREST__MAX_REQUEST_BYTES", "2MiB"},
                                  {"PINSYNC_IDENTIFIERS__HASH_ALGORITHM", "md5"},
                                  {"PINSYNC_METRICS__LISTEN", "127.0.0.1:9999"}}));
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->batching.max_records, 5000u);
  EXPECT_EQ(c->batching.max_age, Millis(90'000));
  EXPECT_EQ(c->pinterest.ad_account_id, "42");
  EXPECT_EQ(c->pinterest.max_request_bytes, 2u << 20);
  EXPECT_EQ(c->identifiers.hash_algorithm, HashAlgorithm::kMd5);
  EXPECT_EQ(c->metrics.listen, "127.0.0.1:9999");
}

TEST(EnvironmentOverrideTest, RequiredKeysMayComeFromTheEnvironmentAlone) {
  auto c = LoadConfigString("", "empty.yaml",
                            With({{"PINSYNC_KAFKA__BOOTSTRAP_SERVERS", "k:9092"},
                                  {"PINSYNC_KAFKA__TOPICS", "a"},
                                  {"PINSYNC_PINTEREST__AD_ACCOUNT_ID", "1"}}));
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->kafka.bootstrap_servers, "k:9092");
}

TEST(EnvironmentOverrideTest, ListIsCommaSeparatedAndReplacesTheFileList) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml", With({{"PINSYNC_KAFKA__TOPICS", "a, b,,c "}}));
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->kafka.topics, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(EnvironmentOverrideTest, EmptyListIsInvalid) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml", With({{"PINSYNC_KAFKA__TOPICS", " , "}}));
  EXPECT_THAT(ErrorOf(c), HasSubstr("environment PINSYNC_KAFKA__TOPICS: kafka.topics: invalid "
                                    "value: the list is empty"));
}

TEST(EnvironmentOverrideTest, MapEntriesUseLowerCaseDottedNamesAndMerge) {
  const std::string yaml = R"(kafka:
  bootstrap_servers: k
  topics: [t]
  properties:
    security.protocol: SSL
    sasl.mechanism: PLAIN
pinterest: {ad_account_id: "1"}
)";
  auto m = LoadConfigString(yaml, "f.yaml",
                            With({{"PINSYNC_KAFKA__PROPERTIES__SASL_MECHANISM", "SCRAM-SHA-512"},
                                  {"PINSYNC_KAFKA__PROPERTIES__SASL_USERNAME", "svc"}}));
  ASSERT_TRUE(m.ok()) << ErrorOf(m);
  EXPECT_EQ(m->kafka.properties.at("security.protocol"), "SSL");  // kept from the file
  EXPECT_EQ(m->kafka.properties.at("sasl.mechanism"), "SCRAM-SHA-512");
  EXPECT_EQ(m->kafka.properties.at("sasl.username"), "svc");
  EXPECT_EQ(m->kafka.properties.size(), 3u);
}

TEST(EnvironmentOverrideTest, AudienceOverridesMatchFileIdsCaseInsensitively) {
  const std::string yaml = MinimalYaml() + "audiences:\n  VIP:\n    batching: {max_records: 7}\n";
  auto c = LoadConfigString(yaml, "f.yaml",
                            With({{"PINSYNC_AUDIENCES__VIP__BATCHING__MAX_AGE", "5m"},
                                  {"PINSYNC_AUDIENCES__NEWONE__AD_ACCOUNT_ID", "99"},
                                  {"PINSYNC_AUDIENCES__NEWONE__EMAIL_CUSTOMER_LIST_ID", "123"}}));
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->audiences.size(), 2u);
  EXPECT_EQ(c->BatchingFor("VIP").max_records, 7u);
  EXPECT_EQ(c->BatchingFor("VIP").max_age, Millis(300'000));
  EXPECT_EQ(c->AdAccountFor("newone"), "99");
  EXPECT_EQ(c->audiences.at("newone").email_customer_list_id, "123");
}

TEST(EnvironmentOverrideTest, UnknownVariableIsAnErrorWithSuggestion) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            With({{"PINSYNC_BATCHING__MAX_RECORD", "5"}, {"PINSYNC_NOPE", "1"}}));
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("environment PINSYNC_BATCHING__MAX_RECORD: batching.max_record: unknown "
                           "environment override: no key has this name; did you mean "
                           "PINSYNC_BATCHING__MAX_RECORDS?"));
  EXPECT_THAT(e, HasSubstr("environment PINSYNC_NOPE: nope: unknown environment override"));
}

TEST(EnvironmentOverrideTest, ProcessVariablesAreNotOverrides) {
  // Read before the configuration (the heap's huge pages): neither an error nor a key.
  auto c = LoadConfigString(MinimalYaml(), "f.yaml", With({{"PINSYNC_HEAP_HUGE_PAGES", "off"}}));
  EXPECT_TRUE(c.ok()) << ErrorOf(c);
  // A near miss is still an unknown override.
  EXPECT_THAT(
      ErrorOf(LoadConfigString(MinimalYaml(), "f.yaml", With({{"PINSYNC_HEAP_HUGE_PAGE", "off"}}))),
      HasSubstr("environment PINSYNC_HEAP_HUGE_PAGE"));
}

TEST(EnvironmentOverrideTest, SingleUnderscoreBetweenLevelsIsUnknown) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml", With({{"PINSYNC_BATCHING_MAX_RECORDS", "5"}}));
  EXPECT_THAT(ErrorOf(c), HasSubstr("environment PINSYNC_BATCHING_MAX_RECORDS"));
}

TEST(EnvironmentOverrideTest, BadValuesNameTheVariable) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            With({{"PINSYNC_BATCHING__MAX_RECORDS", "many"},
                                  {"PINSYNC_BATCHING__MAX_AGE", "0ms"},
                                  {"PINSYNC_LOGGING__LEVEL", "chatty"}}));
  const std::string e = ErrorOf(c);
  EXPECT_THAT(
      e, HasSubstr("environment PINSYNC_BATCHING__MAX_RECORDS: batching.max_records: wrong type"));
  EXPECT_THAT(e,
              HasSubstr("environment PINSYNC_BATCHING__MAX_AGE: batching.max_age: out of range"));
  EXPECT_THAT(e, HasSubstr("environment PINSYNC_LOGGING__LEVEL: logging.level: invalid value"));
}

TEST(EnvironmentOverrideTest, OtherVariablesAreIgnored) {
  auto c = LoadConfigString(MinimalYaml(), "f.yaml",
                            With({{"HOME", "/root"}, {"PINSYNCX", "1"}, {"pinsync_lower", "1"}}));
  EXPECT_TRUE(c.ok()) << ErrorOf(c);
}

}  // namespace
}  // namespace pinsync::config
