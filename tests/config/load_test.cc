// Loading YAML: defaults, every key applied, per-audience overrides, and each kind of error
// naming the key, the file and the line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.h"
#include "pinsync/config/load.h"

namespace pinsync::config {
namespace {

using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::MinimalYaml;
using ::testing::Not;
using testing::TokenEnv;

TEST(LoadConfigTest, MinimalFileGetsDocumentedDefaults) {
  auto c = LoadConfigString(MinimalYaml(), "pinsync.yaml", TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->kafka.bootstrap_servers, "localhost:9092");
  EXPECT_EQ(c->kafka.topics, std::vector<std::string>{"membership"});
  EXPECT_EQ(c->kafka.group_id, "pinsync");
  EXPECT_EQ(c->kafka.commit_interval, Millis(5000));
  EXPECT_EQ(c->kafka.max_message_bytes, 1u << 20);
  EXPECT_EQ(c->pinterest.api_base_url, "https://api.pinterest.com/v5");
  EXPECT_EQ(c->pinterest.ad_account_id, "549755885175");
  EXPECT_EQ(c->pinterest.max_records_per_request, 1900u);
  EXPECT_EQ(c->pinterest.requests_per_minute, 400);
  EXPECT_EQ(c->pinterest.retry_max_duration, Millis(13LL * 3600 * 1000));
  EXPECT_EQ(c->batching.max_records, 100000u);
  EXPECT_EQ(c->batching.max_age, Millis(3LL * 3600 * 1000));
  EXPECT_EQ(c->identifiers.hash_algorithm, HashAlgorithm::kSha256);
  EXPECT_EQ(c->shutdown.timeout, Millis(25000));
  EXPECT_EQ(c->metrics.listen, "0.0.0.0:9464");
  EXPECT_EQ(c->logging.level, "info");
  EXPECT_EQ(c->pinterest.access_token, testing::kToken);
  EXPECT_TRUE(c->audiences.empty());
}

TEST(LoadConfigTest, AppliesEveryGlobalKey) {
  const std::string yaml = R"(
kafka:
  bootstrap_servers: b1:9092,b2:9092
  group_id: g
  topics: [t1, t2]
  dead_letter_topic: dlq
  commit_interval: 200ms
  properties: {security.protocol: SASL_SSL, sasl.mechanism: PLAIN}
  max_message_bytes: 512KiB
pinterest:
  api_base_url: http://127.0.0.1:8080/v5
  ad_account_id: "123456789012345678"
  max_records_per_request: 500
  max_request_bytes: 2MiB
  requests_per_minute: 60
  retry_max_duration: 1h
  retry_initial_backoff: 250ms
  retry_max_backoff: 30s
  connect_timeout: 2s
  request_timeout: 20s
  max_concurrent_requests: 3
  ca_bundle: /etc/ca.pem
  list_name_template: "{audience_id}_{list_type}"
  audience_name_template: "A {audience_name}"
  access_token_file: ""
  app_id: "42"
  token_store: /var/lib/pinsync/rt
batching: {max_records: 5000, max_age: 10m}
identifiers: {hash_algorithm: sha1}
pipeline: {max_buffered_records: 10, max_in_flight_records: 20}
shutdown: {timeout: 1m}
metrics: {listen: "127.0.0.1:0"}
logging: {level: debug}
)";
  auto c = LoadConfigString(yaml, "all.yaml", TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->kafka.bootstrap_servers, "b1:9092,b2:9092");
  EXPECT_EQ(c->kafka.group_id, "g");
  EXPECT_EQ(c->kafka.topics, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(c->kafka.dead_letter_topic, "dlq");
  EXPECT_EQ(c->kafka.commit_interval, Millis(200));
  EXPECT_EQ(c->kafka.properties.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(c->kafka.properties.at("sasl.mechanism"), "PLAIN");
  EXPECT_EQ(c->kafka.max_message_bytes, 512u * 1024);
  EXPECT_EQ(c->pinterest.api_base_url, "http://127.0.0.1:8080/v5");
  EXPECT_EQ(c->pinterest.ad_account_id, "123456789012345678");
  EXPECT_EQ(c->pinterest.max_records_per_request, 500u);
  EXPECT_EQ(c->pinterest.max_request_bytes, 2u << 20);
  EXPECT_EQ(c->pinterest.requests_per_minute, 60);
  EXPECT_EQ(c->pinterest.retry_max_duration, Millis(3'600'000));
  EXPECT_EQ(c->pinterest.retry_initial_backoff, Millis(250));
  EXPECT_EQ(c->pinterest.retry_max_backoff, Millis(30'000));
  EXPECT_EQ(c->pinterest.connect_timeout, Millis(2000));
  EXPECT_EQ(c->pinterest.request_timeout, Millis(20'000));
  EXPECT_EQ(c->pinterest.max_concurrent_requests, 3);
  EXPECT_EQ(c->pinterest.ca_bundle, "/etc/ca.pem");
  EXPECT_EQ(c->pinterest.list_name_template, "{audience_id}_{list_type}");
  EXPECT_EQ(c->pinterest.audience_name_template, "A {audience_name}");
  EXPECT_EQ(c->pinterest.app_id, "42");
  EXPECT_EQ(c->pinterest.token_store, "/var/lib/pinsync/rt");
  EXPECT_EQ(c->batching.max_records, 5000u);
  EXPECT_EQ(c->batching.max_age, Millis(600'000));
  EXPECT_EQ(c->identifiers.hash_algorithm, HashAlgorithm::kSha1);
  EXPECT_EQ(c->pipeline.max_buffered_records, 10u);
  EXPECT_EQ(c->pipeline.max_in_flight_records, 20u);
  EXPECT_EQ(c->shutdown.timeout, Millis(60'000));
  EXPECT_EQ(c->metrics.listen, "127.0.0.1:0");
  EXPECT_EQ(c->logging.level, "debug");
}

TEST(LoadConfigTest, HashAlgorithmMd5) {
  auto c = LoadConfigString(MinimalYaml() + "identifiers: {hash_algorithm: md5}\n", "f.yaml",
                            TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->identifiers.hash_algorithm, HashAlgorithm::kMd5);
}

TEST(LoadConfigTest, PerAudienceOverridesAndInheritance) {
  const std::string yaml = MinimalYaml() + R"(
batching: {max_records: 1000, max_age: 1h}
audiences:
  vip:
    batching: {max_records: 50}
  churn:
    ad_account_id: "777"
    batching: {max_age: 5m}
    email_list_name: Churn E
    maid_list_name: Churn M
    email_customer_list_id: "111"
    maid_customer_list_id: "222"
  plain: {}
)";
  auto c = LoadConfigString(yaml, "aud.yaml", TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  ASSERT_EQ(c->audiences.size(), 3u);
  EXPECT_EQ(c->BatchingFor("vip").max_records, 50u);
  EXPECT_EQ(c->BatchingFor("vip").max_age, Millis(3'600'000));  // inherited
  EXPECT_EQ(c->BatchingFor("churn").max_records, 1000u);        // inherited
  EXPECT_EQ(c->BatchingFor("churn").max_age, Millis(300'000));
  EXPECT_EQ(c->BatchingFor("unknown").max_records, 1000u);
  EXPECT_EQ(c->AdAccountFor("churn"), "777");
  EXPECT_EQ(c->AdAccountFor("vip"), "549755885175");
  EXPECT_EQ(c->AdAccountFor("plain"), "549755885175");
  const AudienceOverride& churn = c->audiences.at("churn");
  EXPECT_EQ(churn.email_list_name, "Churn E");
  EXPECT_EQ(churn.maid_list_name, "Churn M");
  EXPECT_EQ(churn.email_customer_list_id, "111");
  EXPECT_EQ(churn.maid_customer_list_id, "222");
  EXPECT_FALSE(c->audiences.at("vip").max_age.has_value());
  EXPECT_TRUE(c->audiences.count("plain"));
}

TEST(LoadConfigTest, EmptyValueKeepsDefault) {
  auto c = LoadConfigString(MinimalYaml() + "batching:\n  max_records:\nlogging:\n", "f.yaml",
                            TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->batching.max_records, 100000u);
}

TEST(LoadConfigErrorTest, UnknownKeyNamesKeyFileLineAndSuggestion) {
  auto c =
      LoadConfigString(MinimalYaml() + "batching:\n  max_recrods: 10\n", "conf/p.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("conf/p.yaml:7: batching.max_recrods: unknown key"));
  EXPECT_THAT(ErrorOf(c), HasSubstr("did you mean batching.max_records?"));
}

TEST(LoadConfigErrorTest, UnknownSectionAndFarOffKey) {
  auto c = LoadConfigString(MinimalYaml() + "kafak:\n  topics: [x]\nzzzzzz_qqqq: 1\n", "p.yaml",
                            TokenEnv());
  EXPECT_THAT(ErrorOf(c),
              HasSubstr("p.yaml:6: kafak: unknown key: no such key; did you mean kafka?"));
  EXPECT_THAT(ErrorOf(c), HasSubstr("p.yaml:8: zzzzzz_qqqq: unknown key: no such key; remove it"));
}

TEST(LoadConfigErrorTest, UnknownAudienceKeySuggestsWithTheAudienceId) {
  auto c =
      LoadConfigString(MinimalYaml() + "audiences:\n  vip:\n    batching:\n      max_agee: 1h\n",
                       "p.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("p.yaml:9: audiences.vip.batching.max_agee: unknown key"));
  EXPECT_THAT(ErrorOf(c), HasSubstr("did you mean audiences.vip.batching.max_age?"));
}

TEST(LoadConfigErrorTest, WrongTypes) {
  const std::string yaml = MinimalYaml() + R"(batching:
  max_records: lots
  max_age: 5
kafka_extra: 1
)";
  auto c = LoadConfigString(yaml, "t.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(
      e,
      HasSubstr("t.yaml:7: batching.max_records: wrong type: expected a whole number, got 'lots'"));
  EXPECT_THAT(e, HasSubstr("t.yaml:8: batching.max_age: wrong type"));
  EXPECT_THAT(e, HasSubstr("200ms, 5s, 10m, 3h"));
}

TEST(LoadConfigErrorTest, WrongShapes) {
  const std::string yaml = R"(kafka:
  bootstrap_servers: [a, b]
  topics: just-one
  properties: [x]
pinterest: 5
)";
  auto c = LoadConfigString(yaml, "s.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(
      e, HasSubstr("s.yaml:2: kafka.bootstrap_servers: wrong type: expected a string, got a list"));
  EXPECT_THAT(
      e, HasSubstr(
             "s.yaml:3: kafka.topics: wrong type: expected a list of strings, got a single value"));
  EXPECT_THAT(e, HasSubstr("s.yaml:4: kafka.properties: wrong type: expected a map"));
  EXPECT_THAT(e, HasSubstr("s.yaml:5: pinterest: wrong type: expected a section"));
}

TEST(LoadConfigErrorTest, OutOfRangeValues) {
  const std::string yaml = MinimalYaml() + R"(batching:
  max_records: 0
  max_age: 30d
)";
  auto c = LoadConfigString(yaml, "r.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e,
              HasSubstr("r.yaml:7: batching.max_records: out of range: 0 is outside 1..10000000"));
  EXPECT_THAT(e, HasSubstr("r.yaml:8: batching.max_age: out of range: 30d is outside 10ms..7d"));
  // MinimalYaml() ends inside the pinterest section.
  auto big =
      LoadConfigString(MinimalYaml() + "  max_records_per_request: 100001\n", "r.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(big), HasSubstr("r.yaml:6: pinterest.max_records_per_request: out of range: "
                                      "100001 is outside 1..100000"));
}

TEST(LoadConfigErrorTest, InvalidValues) {
  const std::string yaml = R"(kafka:
  bootstrap_servers: localhost:9092
  topics: []
  group_id: ""
pinterest:
  ad_account_id: "12ab"
  api_base_url: ftp://example.com
identifiers:
  hash_algorithm: sha512
metrics:
  listen: "9464"
logging:
  level: loud
)";
  auto c = LoadConfigString(yaml, "v.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("v.yaml:3: kafka.topics: invalid value: the list is empty"));
  EXPECT_THAT(e, HasSubstr("v.yaml:4: kafka.group_id: invalid value"));
  EXPECT_THAT(
      e, HasSubstr("v.yaml:6: pinterest.ad_account_id: invalid value: must contain digits only"));
  EXPECT_THAT(e, HasSubstr("v.yaml:7: pinterest.api_base_url: invalid value"));
  EXPECT_THAT(e, HasSubstr("v.yaml:9: identifiers.hash_algorithm: invalid value: 'sha512' is not "
                           "one of sha256, sha1, md5"));
  EXPECT_THAT(e, HasSubstr("v.yaml:11: metrics.listen: invalid value"));
  EXPECT_THAT(e, HasSubstr("v.yaml:13: logging.level: invalid value"));
}

TEST(LoadConfigErrorTest, AdAccountIdAtMost18Digits) {
  auto c = LoadConfigString(
      "kafka: {bootstrap_servers: k, topics: [t]}\npinterest: {ad_account_id: "
      "\"1234567890123456789\"}\n",
      "a.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("a.yaml:2: pinterest.ad_account_id: invalid value: "
                                    "19 digits is too long; an ad account id has at most 18"));
}

TEST(LoadConfigErrorTest, MissingRequiredKeysAreAllReported) {
  auto c = LoadConfigString("logging: {level: info}\n", "req.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("req.yaml: kafka.bootstrap_servers: missing required key: set it in "
                           "the file or with PINSYNC_KAFKA__BOOTSTRAP_SERVERS"));
  EXPECT_THAT(e, HasSubstr("req.yaml: kafka.topics: missing required key"));
  EXPECT_THAT(e, HasSubstr("req.yaml: pinterest.ad_account_id: missing required key"));
}

// A required key that is written but refused has one line, where it was written; it is not
// reported a second time as missing.
TEST(LoadConfigErrorTest, InvalidRequiredKeyIsReportedOnceAsInvalidNotAsMissing) {
  auto c = LoadConfigString(
      "kafka: {bootstrap_servers: k, topics: [t]}\npinterest: {ad_account_id: \"abc\"}\n", "i.yaml",
      TokenEnv());
  EXPECT_EQ(ErrorOf(c),
            "i.yaml:2: pinterest.ad_account_id: invalid value: must contain digits only");
}

TEST(LoadConfigErrorTest, RequiredKeyOfTheWrongTypeIsNotAlsoMissing) {
  auto c = LoadConfigString(
      "kafka:\n  bootstrap_servers: k\n  topics: {a: b}\npinterest: {ad_account_id: \"1\"}\n",
      "t.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_THAT(e, HasSubstr("t.yaml:3: kafka.topics: wrong type"));
  EXPECT_THAT(e, Not(HasSubstr("missing required key")));
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 0) << e;  // one line
}

TEST(LoadConfigErrorTest, InvalidRequiredKeyFromTheEnvironmentIsNotAlsoMissing) {
  Environment env = TokenEnv();
  env["PINSYNC_PINTEREST__AD_ACCOUNT_ID"] = "12ab";
  auto c = LoadConfigString("kafka: {bootstrap_servers: k, topics: [t]}\n", "e.yaml", env);
  EXPECT_EQ(ErrorOf(c),
            "environment PINSYNC_PINTEREST__AD_ACCOUNT_ID: pinterest.ad_account_id: invalid value: "
            "must contain digits only");
}

TEST(LoadConfigErrorTest, EmptyRequiredKeyIsStillMissing) {
  // Written with no value: the default (none) stays, so the key is missing, once.
  auto c =
      LoadConfigString("kafka: {bootstrap_servers: k, topics: [t]}\npinterest: {ad_account_id: }\n",
                       "n.yaml", TokenEnv());
  EXPECT_EQ(ErrorOf(c),
            "n.yaml: pinterest.ad_account_id: missing required key: set it in the file or with "
            "PINSYNC_PINTEREST__AD_ACCOUNT_ID");
}

TEST(LoadConfigErrorTest, CollectsAllErrorsNotJustTheFirst) {
  const std::string yaml =
      MinimalYaml() + "batching:\n  max_records: -1\n  max_age: soon\nbogus: 1\n";
  auto c = LoadConfigString(yaml, "m.yaml", TokenEnv());
  const std::string e = ErrorOf(c);
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 2) << e;  // three lines
  EXPECT_THAT(e, HasSubstr("batching.max_records"));
  EXPECT_THAT(e, HasSubstr("batching.max_age"));
  EXPECT_THAT(e, HasSubstr("bogus"));
}

TEST(LoadConfigErrorTest, RetryBackoffOrder) {
  auto c =
      LoadConfigString(MinimalYaml() + "  retry_initial_backoff: 10m\n  retry_max_backoff: 1m\n",
                       "b.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("pinterest.retry_initial_backoff: invalid value: 10m exceeds "
                                    "pinterest.retry_max_backoff (1m)"));
}

TEST(LoadConfigErrorTest, InvalidYamlNamesFileAndLine) {
  auto c = LoadConfigString("kafka:\n  topics: [a, b\n  group_id: x\n", "broken.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("broken.yaml:"));
  EXPECT_THAT(ErrorOf(c), HasSubstr("invalid YAML"));
  auto tab = LoadConfigString("kafka:\n\t- x: y: z\n", "tab.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(tab), HasSubstr("tab.yaml:2"));
}

TEST(LoadConfigErrorTest, DuplicateKeyIsReported) {
  auto c = LoadConfigString(MinimalYaml() + "batching:\n  max_age: 1h\n  max_age: 2h\n", "d.yaml",
                            TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("d.yaml:8: batching.max_age: duplicate key: written twice"));
}

TEST(LoadConfigErrorTest, DocumentMustBeAMap) {
  auto c = LoadConfigString("- a\n- b\n", "list.yaml", TokenEnv());
  EXPECT_THAT(ErrorOf(c), HasSubstr("list.yaml:1: wrong type: the document must be a map"));
}

TEST(LoadConfigFileTest, ReadsTheFileAndNamesItInErrors) {
  const std::string dir = testing::TempDir();
  const std::string good = testing::WriteFile(dir, "good.yaml", MinimalYaml());
  auto c = LoadConfigFile(good, TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->kafka.bootstrap_servers, "localhost:9092");

  const std::string bad =
      testing::WriteFile(dir, "bad.yaml", MinimalYaml() + "batching: {max_age: 0s}\n");
  EXPECT_THAT(ErrorOf(LoadConfigFile(bad, TokenEnv())),
              HasSubstr(bad + ":6: batching.max_age: out of range"));

  EXPECT_THAT(ErrorOf(LoadConfigFile(dir + "/missing.yaml", TokenEnv())),
              HasSubstr(dir + "/missing.yaml: cannot read file: No such file or directory; check "
                              "the path given with -c"));
}

TEST(LoadConfigFileTest, CommittedExampleIsValid) {
  auto c =
      LoadConfigFile(std::string(PINSYNC_SOURCE_DIR) + "/docs/examples/pinsync.yaml", TokenEnv());
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->BatchingFor("vip").max_records, 20000u);
  EXPECT_EQ(c->AdAccountFor("churn-risk"), "549755885176");
}

}  // namespace
}  // namespace pinsync::config
