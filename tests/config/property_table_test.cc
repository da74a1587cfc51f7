// The table is the single source of truth: its documented defaults must be config.h's defaults,
// every key of the public interface must be in it, and every row must be complete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "property_table.h"
#include "property_value.h"

namespace pinsync::config {
namespace {

TEST(PropertyTableTest, PublicKeysAreSpelledExactly) {
  std::set<std::string> names;
  for (const Property& p : Properties()) names.insert(std::string(p.name));
  for (const char* key : {"kafka.bootstrap_servers",
                          "kafka.group_id",
                          "kafka.topics",
                          "kafka.dead_letter_topic",
                          "kafka.commit_interval",
                          "kafka.properties",
                          "kafka.max_message_bytes",
                          "pinterest.api_base_url",
                          "pinterest.ad_account_id",
                          "pinterest.max_records_per_request",
                          "pinterest.max_request_bytes",
                          "pinterest.requests_per_minute",
                          "pinterest.retry_max_duration",
                          "pinterest.retry_initial_backoff",
                          "pinterest.retry_max_backoff",
                          "pinterest.connect_timeout",
                          "pinterest.request_timeout",
                          "pinterest.max_concurrent_requests",
                          "pinterest.ca_bundle",
                          "pinterest.list_name_template",
                          "pinterest.audience_name_template",
                          "pinterest.access_token_file",
                          "pinterest.app_id",
                          "pinterest.app_secret_file",
                          "pinterest.refresh_token_file",
                          "pinterest.token_store",
                          "batching.max_records",
                          "batching.max_age",
                          "identifiers.hash_algorithm",
                          "pipeline.max_buffered_records",
                          "pipeline.max_in_flight_records",
                          "shutdown.timeout",
                          "metrics.listen",
                          "logging.level",
                          "audiences.<audience_id>.ad_account_id",
                          "audiences.<audience_id>.batching.max_records",
                          "audiences.<audience_id>.batching.max_age",
                          "audiences.<audience_id>.email_list_name",
                          "audiences.<audience_id>.maid_list_name",
                          "audiences.<audience_id>.email_customer_list_id",
                          "audiences.<audience_id>.maid_customer_list_id"}) {
    EXPECT_TRUE(names.count(key)) << key << " is missing from the property table";
  }
  EXPECT_EQ(names.size(), Properties().size()) << "a key appears twice";
}

TEST(PropertyTableTest, DocumentedDefaultsMatchConfigStructDefaults) {
  const Config defaults;
  for (const Property& p : Properties()) {
    if (SplitKey(p.name)[0] == "audiences" || p.secret) continue;
    EXPECT_EQ(FormatPlain(p, p.read(defaults, "")), p.default_text) << p.name;
  }
}

TEST(PropertyTableTest, DefaultsAreWithinTheirRanges) {
  const Config defaults;
  for (const Property& p : Properties()) {
    if (SplitKey(p.name)[0] == "audiences" || p.secret || p.required) continue;
    const PropertyValue v = p.read(defaults, "");
    if (p.type == PropertyType::kString && v.text.empty()) continue;  // optional, unset
    auto problem = CheckValue(p, v);
    EXPECT_FALSE(problem.has_value()) << p.name << ": " << (problem ? problem->detail : "");
  }
}

TEST(PropertyTableTest, RowsAreComplete) {
  for (const Property& p : Properties()) {
    EXPECT_FALSE(p.description.empty()) << p.name;
    EXPECT_NE(p.apply, nullptr) << p.name;
    EXPECT_NE(p.read, nullptr) << p.name;
    if (p.secret) {
      EXPECT_FALSE(p.env_var.empty()) << p.name;
      EXPECT_FALSE(p.file_key.empty()) << p.name;
    }
    if (p.type == PropertyType::kEnum) {
      EXPECT_FALSE(p.allowed.empty()) << p.name;
    }
    if (p.type == PropertyType::kInt || p.type == PropertyType::kSize ||
        p.type == PropertyType::kDuration) {
      EXPECT_LT(p.min, p.max) << p.name << " needs a documented range";
      EXPECT_GT(p.min, 0) << p.name << " must be positive";
    }
  }
}

TEST(PropertyTableTest, ApplyThenReadRoundTrips) {
  for (const Property& p : Properties()) {
    if (p.type != PropertyType::kInt && p.type != PropertyType::kDuration &&
        p.type != PropertyType::kSize) {
      continue;
    }
    Config c;
    PropertyValue v;
    v.number = p.max;
    v.duration = Millis(p.max);
    const std::string audience = SplitKey(p.name)[0] == "audiences" ? "a" : "";
    p.apply(c, audience, v);
    EXPECT_EQ(FormatPlain(p, p.read(c, audience)), FormatPlain(p, v)) << p.name;
  }
}

TEST(PropertyTableTest, EnvironmentVariableNames) {
  std::map<std::string, std::string> env_names;
  for (const Property& p : Properties()) env_names[std::string(p.name)] = EnvVarName(p);
  EXPECT_EQ(env_names["batching.max_records"], "PINSYNC_BATCHING__MAX_RECORDS");
  EXPECT_EQ(env_names["kafka.properties"], "PINSYNC_KAFKA__PROPERTIES__<NAME>");
  EXPECT_EQ(env_names["audiences.<audience_id>.batching.max_age"],
            "PINSYNC_AUDIENCES__<AUDIENCE_ID>__BATCHING__MAX_AGE");
  EXPECT_EQ(env_names["pinterest.access_token"], "PINTEREST_ACCESS_TOKEN");
}

}  // namespace
}  // namespace pinsync::config
