// Dead-letter copies: original key and value, every header, acknowledged by token.

#include <prometheus/registry.h>

#include <set>

#include "kafka_test_support.h"
#include "pinsync/kafka/admin.h"
#include "pinsync/kafka/dead_letter_producer.h"

namespace pinsync::kafka::testing {
namespace {

TEST_F(KafkaTest, DeadLetterCopiesCarryKeyValueAndHeadersAndAreAcknowledged) {
  ASSERT_TRUE(cluster_->CreateTopic("dead-letters", 2).ok());
  auto c = Config();
  c.dead_letter_topic = "dead-letters";
  ManualClock clock;
  prometheus::Registry registry;
  auto producer = KafkaDeadLetterProducer::Create(c, clock, &registry);
  ASSERT_TRUE(producer.ok()) << producer.error().message;

  const std::string binary_value("\x00\xff{not json", 11);
  ASSERT_TRUE((*producer)
                  ->Produce(DeadLetter{{"events", 3}, 41, "user-7", "{bad json", "invalid_json"}, 7)
                  .ok());
  ASSERT_TRUE(
      (*producer)->Produce(DeadLetter{{"events", 0}, 9, "", binary_value, "http_400"}, 8).ok());
  EXPECT_EQ((*producer)->InFlight(), 2u);

  std::set<uint64_t> acked;
  for (int i = 0; i < 200 && acked.size() < 2; ++i) {
    auto flushed = (*producer)->Flush(100ms);
    (void)flushed;  // may time out while the idempotent producer starts; loop is bounded
    for (const auto& ack : (*producer)->DrainAcks()) {
      EXPECT_TRUE(ack.delivered) << ack.error;
      acked.insert(ack.token);
    }
  }
  EXPECT_EQ(acked, (std::set<uint64_t>{7, 8}));
  EXPECT_EQ((*producer)->InFlight(), 0u);
  EXPECT_TRUE((*producer)->DrainAcks().empty());  // each token exactly once

  auto stored = ReadTopic(cluster_->bootstraps(), "dead-letters");
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  ASSERT_EQ(stored->size(), 2u);
  const std::string expected_time = std::to_string(clock.WallMillis());
  int seen = 0;
  for (const auto& m : *stored) {
    ASSERT_NE(m.Header("pinsync.reason"), nullptr);
    ASSERT_NE(m.Header("pinsync.source.topic"), nullptr);
    ASSERT_NE(m.Header("pinsync.source.partition"), nullptr);
    ASSERT_NE(m.Header("pinsync.source.offset"), nullptr);
    ASSERT_NE(m.Header("pinsync.time"), nullptr);
    EXPECT_EQ(*m.Header("pinsync.source.topic"), "events");
    EXPECT_EQ(*m.Header("pinsync.time"), expected_time);
    if (*m.Header("pinsync.reason") == "invalid_json") {
      EXPECT_EQ(m.key, "user-7");
      EXPECT_EQ(m.value, "{bad json");
      EXPECT_EQ(*m.Header("pinsync.source.partition"), "3");
      EXPECT_EQ(*m.Header("pinsync.source.offset"), "41");
      ++seen;
    } else {
      EXPECT_EQ(*m.Header("pinsync.reason"), "http_400");
      EXPECT_EQ(m.key, "");
      EXPECT_EQ(m.value, binary_value);
      EXPECT_EQ(*m.Header("pinsync.source.partition"), "0");
      EXPECT_EQ(*m.Header("pinsync.source.offset"), "9");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST_F(KafkaTest, DeadLetterProducerNeedsATopic) {
  auto c = Config();
  auto producer = KafkaDeadLetterProducer::Create(c);
  ASSERT_FALSE(producer.ok());
  EXPECT_EQ(producer.error().code, KafkaErrorCode::kInvalidConfig);
  EXPECT_NE(producer.error().message.find("kafka.dead_letter_topic"), std::string::npos);
}

TEST_F(KafkaTest, DeadLetterDeliveryFailureIsReportedForRetry) {
  auto c = Config();
  c.dead_letter_topic = "dead-letters-timeout";
  ASSERT_TRUE(cluster_->CreateTopic("dead-letters-timeout", 1).ok());
  // Short message timeout and every Produce request failing: the copy fails permanently.
  c.properties["message.timeout.ms"] = "1500";
  auto producer = KafkaDeadLetterProducer::Create(c);
  ASSERT_TRUE(producer.ok()) << producer.error().message;
  ASSERT_TRUE(cluster_->SetBrokerDown(-1).ok());
  ASSERT_TRUE((*producer)->Produce(DeadLetter{{"events", 1}, 5, "k", "v", "http_400"}, 99).ok());
  std::vector<DeadLetterAck> acks;
  for (int i = 0; i < 100 && acks.empty(); ++i) {
    (void)(*producer)->Flush(100ms);
    acks = (*producer)->DrainAcks();
  }
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].token, 99u);
  EXPECT_FALSE(acks[0].delivered);
  EXPECT_FALSE(acks[0].error.empty());
  ASSERT_TRUE(cluster_->SetBrokerUp(-1).ok());
}

}  // namespace
}  // namespace pinsync::kafka::testing
