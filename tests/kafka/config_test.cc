// kafka.properties pass-through: accepted as is, rejected with the key named, managed keys refused.

#include "../../src/kafka/rdkafka_handles.h"
#include "kafka_test_support.h"

namespace pinsync::kafka::testing {
namespace {

TEST_F(KafkaTest, UnknownPropertyIsRejectedNamingIt) {
  auto c = Config();
  c.properties["fetch.wait.maximum.ms"] = "50";
  auto source = KafkaMessageSource::Create(c);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, KafkaErrorCode::kInvalidConfig);
  EXPECT_NE(source.error().message.find("kafka.properties.fetch.wait.maximum.ms"),
            std::string::npos)
      << source.error().message;
  EXPECT_FALSE(ValidateConsumerProperties(c).ok());
}

TEST_F(KafkaTest, InvalidValueIsRejectedNamingTheProperty) {
  auto c = Config();
  c.properties["auto.offset.reset"] = "sometimes";
  auto status = ValidateConsumerProperties(c);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("kafka.properties.auto.offset.reset"), std::string::npos)
      << status.error().message;
}

TEST_F(KafkaTest, SecretValuesNeverAppearInErrors) {
  auto c = Config();
  c.properties["sasl.pasword"] = "hunter2-secret-value";  // misspelt key, secret value
  auto status = ValidateConsumerProperties(c);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("sasl.pasword"), std::string::npos);
  EXPECT_EQ(status.error().message.find("hunter2"), std::string::npos) << status.error().message;
  EXPECT_TRUE(internal::IsSecretProperty("sasl.password"));
  EXPECT_TRUE(internal::IsSecretProperty("ssl.key.password"));
  EXPECT_TRUE(internal::IsSecretProperty("sasl.oauthbearer.client.secret"));
  EXPECT_TRUE(internal::IsSecretProperty("ssl.key.pem"));
  EXPECT_FALSE(internal::IsSecretProperty("security.protocol"));
}

TEST_F(KafkaTest, ManagedPropertiesAreRefused) {
  for (const char* key :
       {"enable.auto.commit", "enable.auto.offset.store", "group.id", "bootstrap.servers"}) {
    auto c = Config();
    c.properties[key] = "true";
    auto status = ValidateConsumerProperties(c);
    ASSERT_FALSE(status.ok()) << key;
    EXPECT_NE(status.error().message.find(key), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find("managed by pinsync"), std::string::npos);
  }
}

TEST_F(KafkaTest, ValidPropertiesPassThroughAndOverrideDefaults) {
  auto c = Config("override-group");
  c.properties["auto.offset.reset"] = "latest";
  c.properties["client.rack"] = "rack-a";
  Produce(50);
  auto source = NewSource(c);
  ASSERT_NE(source, nullptr);
  // auto.offset.reset=latest: the 50 earlier messages are skipped, the next one arrives.
  PollUntil(*source, [&] { return source->Assignment().size() == kPartitions; });
  ASSERT_EQ(source->Assignment().size(), static_cast<size_t>(kPartitions));
  std::vector<Received> early = PollUntil(
      *source, [] { return false; }, 10);
  EXPECT_TRUE(early.empty());
  Produce(1, 1, 1000);
  std::vector<Received> late = Consume(*source, 1);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].value, "user-0:1000");
  source->Close();
}

TEST_F(KafkaTest, EmptyTopicListIsRejected) {
  auto c = Config();
  c.topics.clear();
  auto status = ValidateConsumerProperties(c);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("kafka.topics"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::kafka::testing
