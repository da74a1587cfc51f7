// The inputs: list and schema_registry: keys: parsing, per-entry validation that names the key,
// environment overrides (not applied to list entries), and the effective-config rendering.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "config_test_support.h"
#include "pinsync/app/commands.h"
#include "pinsync/config/load.h"
#include "pinsync/config/render.h"

namespace pinsync::config {
namespace {

using ::testing::ElementsAre;
using testing::ErrorOf;
using ::testing::HasSubstr;
using testing::MinimalYaml;
using ::testing::Not;
using testing::TokenEnv;

Result<Config> Load(const std::string& extra, Environment env = TokenEnv()) {
  return LoadConfigString(MinimalYaml() + extra, "f.yaml", env);
}

constexpr char kThreeInputs[] =
    "inputs:\n"
    "  - topic: engage-audiences\n"
    "    format: segment\n"
    "  - topic: crm-membership\n"
    "    format: mapped\n"
    "    mapping:\n"
    "      audience_id: /segment/id\n"
    "      audience_name: /segment/name\n"
    "      op: /action\n"
    "      add_values: [joined, added]\n"
    "      remove_values: [left]\n"
    "      identifiers:\n"
    "        email: /customer/emails\n"
    "        gaid: /devices/android\n"
    "  - topic: membership-avro\n"
    "    format: avro\n"
    "schema_registry:\n"
    "  url: http://127.0.0.1:8081\n"
    "  max_retries: 3\n";

TEST(InputsConfig, ParsesEveryEntry) {
  auto c = Load(kThreeInputs);
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  ASSERT_EQ(c->inputs.size(), 3u);
  EXPECT_EQ(c->inputs[0].topic, "engage-audiences");
  EXPECT_EQ(c->inputs[0].format, InputFormat::kSegment);
  const InputConfig& crm = c->inputs[1];
  EXPECT_EQ(crm.format, InputFormat::kMapped);
  EXPECT_EQ(crm.mapping.audience_id, "/segment/id");
  EXPECT_EQ(crm.mapping.op, "/action");
  EXPECT_THAT(crm.mapping.add_values, ElementsAre("joined", "added"));
  EXPECT_THAT(crm.mapping.remove_values, ElementsAre("left"));
  EXPECT_EQ(crm.mapping.email, "/customer/emails");
  EXPECT_EQ(crm.mapping.gaid, "/devices/android");
  EXPECT_EQ(c->inputs[2].format, InputFormat::kAvro);
  EXPECT_EQ(c->schema_registry.url, "http://127.0.0.1:8081");
  EXPECT_EQ(c->schema_registry.max_retries, 3);
  EXPECT_TRUE(c->audiences.empty()) << "a list position must not be taken for an audience id";
  EXPECT_EQ(c->ConsumedTopics(), (std::vector<std::string>{"membership", "engage-audiences",
                                                           "crm-membership", "membership-avro"}));
}

TEST(InputsConfig, NoInputsByDefault) {
  auto c = Load("");
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_TRUE(c->inputs.empty());
  EXPECT_EQ(c->ConsumedTopics(), std::vector<std::string>{"membership"});
}

TEST(InputsConfig, ErrorsNameTheKeyAndLine) {
  const std::string yaml =
      "inputs:\n"
      "  - topic: crm\n"
      "    format: xml\n"
      "  - format: mapped\n"
      "    mapping:\n"
      "      audience_id: segment/id\n"
      "      identifiers:\n"
      "        emial: /e\n";
  const std::string err = ErrorOf(Load(yaml));
  EXPECT_THAT(err, HasSubstr("f.yaml:8: inputs.0.format"));
  EXPECT_THAT(err, HasSubstr("native, segment, mapped, avro"));
  EXPECT_THAT(err, HasSubstr("f.yaml:11: inputs.1.mapping.audience_id"));
  EXPECT_THAT(err, HasSubstr("starts with '/'"));
  EXPECT_THAT(err, HasSubstr("f.yaml:13: inputs.1.mapping.identifiers.emial: unknown key"));
  EXPECT_THAT(err, HasSubstr("did you mean inputs.1.mapping.identifiers.email?"));
  EXPECT_THAT(err, HasSubstr("inputs.1.topic"));
}

TEST(InputsConfig, MappedNeedsAUsableMapping) {
  const std::string err = ErrorOf(Load("inputs:\n  - topic: crm\n    format: mapped\n"));
  EXPECT_THAT(err, HasSubstr("inputs.0.mapping.audience_id"));
  EXPECT_THAT(err, HasSubstr("inputs.0.mapping.op"));
  EXPECT_THAT(err, HasSubstr("inputs.0.mapping.identifiers"));

  const std::string both = ErrorOf(
      Load("inputs:\n  - topic: crm\n    format: mapped\n    mapping:\n      audience_id: /a\n"
           "      op: /op\n      member: /in\n      identifiers: {email: /e}\n"));
  EXPECT_THAT(both, HasSubstr("inputs.0.mapping.op"));
  EXPECT_THAT(both, HasSubstr("both set"));

  const std::string overlap = ErrorOf(
      Load("inputs:\n  - topic: crm\n    format: mapped\n    mapping:\n      audience_id: /a\n"
           "      op: /op\n      add_values: [x]\n      remove_values: [x]\n"
           "      identifiers: {email: /e}\n"));
  EXPECT_THAT(overlap, HasSubstr("inputs.0.mapping.remove_values"));

  auto boolean = Load(
      "inputs:\n  - topic: crm\n    format: mapped\n    mapping:\n      audience_id: /a\n"
      "      member: /in\n      identifiers: {email: /e~1x}\n");
  ASSERT_TRUE(boolean.ok()) << ErrorOf(boolean);
  EXPECT_EQ(boolean->inputs[0].mapping.email, "/e~1x");
}

TEST(InputsConfig, BadPointerEscapeIsReported) {
  const std::string err = ErrorOf(
      Load("inputs:\n  - topic: crm\n    format: mapped\n    mapping:\n      audience_id: /a~2\n"
           "      op: /op\n      identifiers: {email: /e}\n"));
  EXPECT_THAT(err, HasSubstr("inputs.0.mapping.audience_id"));
  EXPECT_THAT(err, HasSubstr("RFC 6901"));
}

TEST(InputsConfig, TopicRules) {
  EXPECT_THAT(ErrorOf(Load("inputs:\n  - topic: membership\n    format: segment\n")),
              HasSubstr("inputs.0.topic: invalid value: topic 'membership' is also in "
                        "kafka.topics"));
  EXPECT_THAT(ErrorOf(Load("inputs:\n  - {topic: a, format: segment}\n"
                           "  - {topic: a, format: segment}\n")),
              HasSubstr("inputs.1.topic: invalid value: the topic is listed twice"));
  EXPECT_THAT(ErrorOf(Load("inputs:\n  - format: segment\n")), HasSubstr("inputs.0.topic"));
  EXPECT_THAT(ErrorOf(Load("inputs:\n  - {topic: a, format: segment, mapping: {op: /x}}\n")),
              HasSubstr("inputs.0.mapping: invalid value: a mapping applies to the mapped"));
}

// A configuration without kafka: topics, so that either list alone can be tried.
Result<Config> LoadWithoutKafkaTopics(const std::string& extra) {
  return LoadConfigString("kafka:\n  bootstrap_servers: localhost:9092\n" + extra +
                              "pinterest:\n  ad_account_id: \"549755885175\"\n",
                          "f.yaml", TokenEnv());
}

TEST(InputsConfig, InputsAloneNameEnoughTopics) {
  auto c = LoadWithoutKafkaTopics("inputs:\n  - {topic: engage, format: segment}\n");
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_TRUE(c->kafka.topics.empty());
  EXPECT_EQ(c->ConsumedTopics(), std::vector<std::string>{"engage"});

  // An empty kafka.topics beside inputs is allowed too (e.g. a chart's values emptied).
  auto empty_list =
      LoadWithoutKafkaTopics("  topics: []\ninputs:\n  - {topic: engage, format: segment}\n");
  ASSERT_TRUE(empty_list.ok()) << ErrorOf(empty_list);
  EXPECT_EQ(empty_list->ConsumedTopics(), std::vector<std::string>{"engage"});
}

TEST(InputsConfig, KafkaTopicsAloneNameEnoughTopics) {
  auto c = Load("");
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->ConsumedTopics(), std::vector<std::string>{"membership"});
}

TEST(InputsConfig, NoTopicAnywhereIsReportedOnce) {
  const std::string missing = ErrorOf(LoadWithoutKafkaTopics(""));
  EXPECT_THAT(missing, HasSubstr("f.yaml: kafka.topics: missing required key: name at least one "
                                 "topic in kafka.topics (native events) or in an inputs entry"));
  EXPECT_EQ(std::count(missing.begin(), missing.end(), '\n'), 0) << missing;

  // Written as an empty list: reported where it was written.
  const std::string empty = ErrorOf(LoadWithoutKafkaTopics("  topics: []\n"));
  EXPECT_THAT(empty, HasSubstr("f.yaml:3: kafka.topics: invalid value: the list is empty and "
                               "inputs lists no topic"));
  EXPECT_THAT(empty, Not(HasSubstr("missing required key")));

  // An entry without its topic is that entry's problem, not a missing kafka.topics.
  const std::string no_topic = ErrorOf(LoadWithoutKafkaTopics("inputs:\n  - format: segment\n"));
  EXPECT_THAT(no_topic, HasSubstr("inputs.0.topic: missing required key"));
  EXPECT_THAT(no_topic, Not(HasSubstr("kafka.topics")));
}

TEST(InputsConfig, TopicInBothListsIsNamed) {
  const std::string err = ErrorOf(LoadWithoutKafkaTopics(
      "  topics: [a, shared]\ninputs:\n  - {topic: b, format: segment}\n"
      "  - {topic: shared, format: mapped, mapping: {audience_id: /a, member: /m, "
      "identifiers: {email: /e}}}\n"));
  EXPECT_THAT(err, HasSubstr("inputs.1.topic: invalid value: topic 'shared' is also in "
                             "kafka.topics (read as native there); list it in one place"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 0) << err;
}

TEST(InputsConfig, AvroNeedsTheRegistry) {
  EXPECT_THAT(ErrorOf(Load("inputs:\n  - topic: a\n    format: avro\n")),
              HasSubstr("schema_registry.url: missing required key: inputs.0 has format avro"));
}

TEST(InputsConfig, WrongShapes) {
  EXPECT_THAT(ErrorOf(Load("inputs:\n  topic: a\n")),
              HasSubstr("inputs: wrong type: expected a list of entries"));
  EXPECT_THAT(ErrorOf(Load("inputs:\n  - a\n")),
              HasSubstr("inputs.0: wrong type: expected an entry (a map of keys)"));
  auto empty = Load("inputs: []\n");
  ASSERT_TRUE(empty.ok()) << ErrorOf(empty);
  EXPECT_TRUE(empty->inputs.empty());
}

TEST(InputsConfig, EnvironmentDoesNotSetListEntries) {
  Environment env = TokenEnv();
  env["PINSYNC_INPUTS__0__TOPIC"] = "x";
  EXPECT_THAT(ErrorOf(Load("", env)), HasSubstr("set in the configuration file only"));
  Environment registry = TokenEnv();
  registry["PINSYNC_SCHEMA_REGISTRY__URL"] = "http://127.0.0.1:9";
  auto c = Load("", registry);
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->schema_registry.url, "http://127.0.0.1:9");
}

TEST(InputsConfig, RegistryPasswordIsASecret) {
  EXPECT_THAT(ErrorOf(Load("schema_registry:\n  password: hunter2\n")),
              HasSubstr("SCHEMA_REGISTRY_PASSWORD"));
  Environment env = TokenEnv();
  env["SCHEMA_REGISTRY_PASSWORD"] = "REGPW_k8s";
  auto c = Load("", env);
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  EXPECT_EQ(c->schema_registry.password, "REGPW_k8s");
  EXPECT_THAT(RenderEffectiveConfig(*c), Not(HasSubstr("REGPW_k8s")));
}

TEST(InputsConfig, EffectiveConfigListsEntriesAndLoadsBack) {
  auto c = Load(kThreeInputs);
  ASSERT_TRUE(c.ok()) << ErrorOf(c);
  const std::string out = RenderEffectiveConfig(*c);
  EXPECT_THAT(out, HasSubstr("inputs:\n  - topic: \"engage-audiences\"\n    format: segment\n"));
  EXPECT_THAT(out, HasSubstr("    mapping:\n      audience_id: \"/segment/id\"\n"));
  EXPECT_THAT(out, HasSubstr("      identifiers:\n        email: \"/customer/emails\"\n"));
  // The inputs block is valid configuration that reads back to the same entries.
  const size_t start = out.find("\ninputs:\n") + 1;
  size_t end = start;
  while ((end = out.find('\n', end) + 1) < out.size() && out[end] == ' ') {
  }
  auto again = LoadConfigString(MinimalYaml() + out.substr(start, end - start) +
                                    "schema_registry:\n  url: http://127.0.0.1:8081\n",
                                "effective.yaml", TokenEnv());
  ASSERT_TRUE(again.ok()) << ErrorOf(again);
  ASSERT_EQ(again->inputs.size(), 3u);
  EXPECT_EQ(again->inputs[1].mapping.add_values, c->inputs[1].mapping.add_values);
  EXPECT_EQ(again->inputs[2].format, InputFormat::kAvro);
  EXPECT_THAT(RenderEffectiveConfig(*Load("")), HasSubstr("\ninputs: []\n"));
}

// pinsync validate-config reports a bad entry by key and line, and exits 1.
TEST(InputsConfig, ValidateConfigCommandReportsEntries) {
  const std::string path =
      testing::WriteFile(testing::TempDir(), "inputs.yaml",
                         MinimalYaml() +
                             "inputs:\n  - topic: crm\n    format: mapped\n    mapping:\n"
                             "      audience_id: crm/id\n");
  CLI::App app{"pinsync"};
  app.require_subcommand(1);
  app::CommandRunner runner;
  app::AddValidateConfigCommand(app, runner);
  std::vector<std::string> args = {"pinsync", "validate-config", "-c", path};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  app.parse(static_cast<int>(argv.size()), argv.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = runner ? runner() : -1;
  std::fflush(stdout);
  std::fflush(stderr);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 1) << out;
  EXPECT_THAT(err, HasSubstr(path + ":10: inputs.0.mapping.audience_id: invalid value"));
  EXPECT_THAT(err, HasSubstr("inputs.0.mapping.op"));
  EXPECT_THAT(err, HasSubstr("inputs.0.mapping.identifiers"));
}

}  // namespace
}  // namespace pinsync::config
