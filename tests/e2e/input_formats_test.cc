// inputs: end to end. One group reads a native topic, a Segment Engage topic and a mapped JSON
// topic; every list in the sandbox equals the ground truth the test computes, calls that are not
// about audiences are skipped (committed, not dead-lettered), unusable ones are dead-lettered,
// and every topic is committed to its end.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "decode/registry_stand_in.h"
#include "e2e_fixture.h"
#include "pinsync/kafka/admin.h"

namespace pinsync::e2e {
namespace {

constexpr char kSegmentTopic[] = "engage-audiences";
constexpr char kMappedTopic[] = "crm-membership";

std::string UserIdfa(int i) {
  return fmt::format("{:08x}-0000-4000-8000-{:012x}", i * 7919 + 3, i);
}

std::string SegmentIdentify(int user, bool member, const std::string& email,
                            const std::string& idfa) {
  return fmt::format(
      R"({{"type":"identify","userId":"u-{}","traits":{{"email":"{}","first_time_shopper":{}}},)"
      R"("context":{{"personas":{{"computation_class":"audience","computation_key":)"
      R"("first_time_shopper","computation_id":"aud_1"}},"device":{{"type":"ios",)"
      R"("advertisingId":"{}"}}}}}})",
      user, email, member ? "true" : "false", idfa);
}

std::string SegmentTrack(int user, bool entered, const std::string& email) {
  return fmt::format(
      R"({{"type":"track","event":"{}","userId":"u-{}","properties":{{"audience_key":)"
      R"("first_time_shopper"}},"context":{{"traits":{{"email":"{}"}},"personas":{{)"
      R"("computation_key":"first_time_shopper","computation_id":"aud_1"}}}}}})",
      entered ? "Audience Entered" : "Audience Exited", user, email);
}

std::string CrmEvent(int user, const std::string& action, const std::string& email) {
  return fmt::format(
      R"({{"segment":{{"id":4711,"name":"Gold"}},"action":"{}","customer":{{"id":"c-{}",)"
      R"("emails":["{}"]}}}})",
      action, user, email);
}

class InputFormatsTest : public E2eTest {
 protected:
  void Produce(const std::string& topic, const std::string& key, const std::string& value) {
    auto status = producer_->Produce(topic, key, value);
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  // Committed == end on every partition of every topic read.
  std::string Gap(const std::string& group) const {
    const std::vector<std::string> topics = {kTopic, kSegmentTopic, kMappedTopic};
    auto committed = kafka::CommittedOffsets(bootstraps_, group, topics, 5s);
    auto end = kafka::EndOffsets(bootstraps_, topics, 5s);
    if (!committed.ok() || !end.ok()) return "offsets unreadable";
    std::string gap;
    for (const auto& [tp, end_offset] : *end) {
      auto it = committed->find(tp);
      const int64_t done = it == committed->end() ? -1 : it->second;
      if (done == end_offset || (done < 0 && end_offset == 0)) continue;
      gap += fmt::format("{}[{}] committed {} end {}; ", tp.topic, tp.partition, done, end_offset);
    }
    return gap;
  }
};

TEST_F(InputFormatsTest, NativeSegmentAndMappedTopicsMatchGroundTruth) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(2));
  ASSERT_TRUE(cluster_->CreateTopic(kSegmentTopic, 2).ok());
  ASSERT_TRUE(cluster_->CreateTopic(kMappedTopic, 1).ok());
  const std::string group = "e2e-input-formats";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 25;
  config::InputConfig segment;
  segment.topic = kSegmentTopic;
  segment.format = config::InputFormat::kSegment;
  config::InputConfig mapped;
  mapped.topic = kMappedTopic;
  mapped.format = config::InputFormat::kMapped;
  mapped.mapping.audience_id = "/segment/id";
  mapped.mapping.audience_name = "/segment/name";
  mapped.mapping.user_id = "/customer/id";
  mapped.mapping.op = "/action";
  mapped.mapping.add_values = {"joined"};
  mapped.mapping.remove_values = {"left"};
  mapped.mapping.email = "/customer/emails";
  cfg.inputs = {segment, mapped};

  ExpectedLists expected;
  auto apply = [&](const std::string& list, const std::string& plain, bool add) {
    if (add) {
      expected[list].insert(demo::Sha256Hex(plain));
    } else {
      expected[list].erase(demo::Sha256Hex(plain));
    }
  };
  // Native: 30 users join "vip"; every third leaves.
  for (int i = 0; i < 30; ++i) {
    const std::string email = fmt::format("native{}@example.com", i);
    Produce(kTopic, fmt::format("n-{}", i),
            EventJson("vip", "VIP", "add", fmt::format(R"({{"email":"{}"}})", email)));
    apply("VIP-EMAIL", email, true);
  }
  for (int i = 0; i < 30; i += 3) {
    const std::string email = fmt::format("native{}@example.com", i);
    Produce(kTopic, fmt::format("n-{}", i),
            EventJson("vip", "VIP", "remove", fmt::format(R"({{"email":"{}"}})", email)));
    apply("VIP-EMAIL", email, false);
  }
  // Segment: 40 users enter by identify (email + IDFA), every fourth exits by identify, every
  // fifth enters and exits again by track (email only). Between them, calls that are not about
  // audiences (skipped) and one with a non-boolean audience trait (dead-lettered).
  int skipped = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string email = fmt::format("engage{}@example.com", i);
    Produce(kSegmentTopic, fmt::format("u-{}", i), SegmentIdentify(i, true, email, UserIdfa(i)));
    apply("first_time_shopper-EMAIL", email, true);
    apply("first_time_shopper-MAID", UserIdfa(i), true);
    if (i % 10 == 0) {
      Produce(kSegmentTopic, fmt::format("u-{}", i),
              fmt::format(R"({{"type":"identify","userId":"u-{}","traits":{{"plan":"pro"}}}})", i));
      Produce(kSegmentTopic, fmt::format("u-{}", i),
              fmt::format(R"({{"type":"page","userId":"u-{}"}})", i));
      skipped += 2;
    }
  }
  for (int i = 0; i < 40; i += 4) {
    const std::string email = fmt::format("engage{}@example.com", i);
    Produce(kSegmentTopic, fmt::format("u-{}", i), SegmentIdentify(i, false, email, UserIdfa(i)));
    apply("first_time_shopper-EMAIL", email, false);
    apply("first_time_shopper-MAID", UserIdfa(i), false);
  }
  for (int i = 100; i < 110; ++i) {
    const std::string email = fmt::format("track{}@example.com", i);
    Produce(kSegmentTopic, fmt::format("u-{}", i), SegmentTrack(i, true, email));
    apply("first_time_shopper-EMAIL", email, true);
    if (i % 5 == 0) {
      Produce(kSegmentTopic, fmt::format("u-{}", i), SegmentTrack(i, false, email));
      apply("first_time_shopper-EMAIL", email, false);
    }
  }
  Produce(kSegmentTopic, "u-bad",
          R"({"type":"identify","userId":"u-bad","traits":{"email":"bad@example.com",)"
          R"("first_time_shopper":"yes"},"context":{"personas":{"computation_key":)"
          R"("first_time_shopper"}}})");
  // Mapped: 20 customers join 4711 ("Gold"), every other one leaves; one unknown action.
  for (int i = 0; i < 20; ++i) {
    const std::string email = fmt::format("crm{}@example.com", i);
    Produce(kMappedTopic, fmt::format("c-{}", i), CrmEvent(i, "joined", email));
    apply("Gold-EMAIL", email, true);
  }
  for (int i = 0; i < 20; i += 2) {
    const std::string email = fmt::format("crm{}@example.com", i);
    Produce(kMappedTopic, fmt::format("c-{}", i), CrmEvent(i, "left", email));
    apply("Gold-EMAIL", email, false);
  }
  Produce(kMappedTopic, "c-bad", CrmEvent(99, "paused", "crm99@example.com"));
  ASSERT_TRUE(producer_->Flush(10s).ok());

  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  EXPECT_TRUE(WaitFor([&] { return Gap(group).empty(); }, 90s, 200ms)) << Gap(group);
  EXPECT_EQ(connector->MetricSum("pinsync_events_skipped_total"), skipped);
  EXPECT_TRUE(connector->Stop());
  ExpectLists(expected, group);

  auto letters = kafka::ReadTopic(bootstraps_, kDeadLetterTopic);
  ASSERT_TRUE(letters.ok()) << letters.error().message;
  std::multiset<std::string> keys;
  for (const auto& letter : *letters) keys.insert(letter.key);
  EXPECT_EQ(keys, (std::multiset<std::string>{"c-bad", "u-bad"}))
      << "only the unusable messages are dead-lettered; skipped calls are not";
}

}  // namespace
}  // namespace pinsync::e2e

namespace pinsync::e2e {
namespace {

constexpr char kAvroTopic[] = "membership-avro";

constexpr char kAvroSchema[] =
    R"({"type":"record","name":"Membership","fields":[{"name":"audience_id","type":"string"},)"
    R"({"name":"audience_name","type":["null","string"],"default":null},{"name":"op","type":)"
    R"({"type":"enum","name":"Op","symbols":["add","remove"]}},{"name":"user_id","type":)"
    R"(["null","string"],"default":null},{"name":"ts","type":["null","long"],"default":null},)"
    R"({"name":"identifiers","type":{"type":"record","name":"Ids","fields":[{"name":"email",)"
    R"("type":{"type":"array","items":"string"}},{"name":"gaid","type":["null","string"],)"
    R"("default":null}]}}]})";

std::string AvroMembership(int32_t schema_id, bool add, const std::string& email) {
  decode::testing::AvroBytes b = decode::testing::AvroBytes::Confluent(schema_id);
  b.String("avro-vip").Branch(1).String("AvroVIP").Long(add ? 0 : 1).Branch(0).Branch(0);
  b.Strings({email}).Branch(0);
  return b.bytes();
}

// The registry answers 503 for a while first: consumption holds, nothing is dead-lettered for
// it, and everything arrives once it answers. An id it does not know is dead-lettered.
TEST_F(InputFormatsTest, AvroTopicHoldsWhileTheRegistryIsDownThenMatchesGroundTruth) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(1));
  ASSERT_TRUE(cluster_->CreateTopic(kAvroTopic, 2).ok());
  decode::testing::RegistryStandIn registry;
  registry.Add(1, kAvroSchema);
  registry.UnavailableFor(4);
  const std::string group = "e2e-avro";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 25;
  cfg.schema_registry.url = registry.url();
  cfg.schema_registry.max_retries = 2;
  cfg.schema_registry.retry_backoff = 50ms;
  config::InputConfig avro;
  avro.topic = kAvroTopic;
  avro.format = config::InputFormat::kAvro;
  cfg.inputs = {avro};

  ExpectedLists expected;
  for (int i = 0; i < 40; ++i) {
    const std::string email = fmt::format("avro{}@example.com", i);
    auto status =
        producer_->Produce(kAvroTopic, fmt::format("a-{}", i), AvroMembership(1, true, email));
    ASSERT_TRUE(status.ok()) << status.error().message;
    expected["AvroVIP-EMAIL"].insert(demo::Sha256Hex(email));
  }
  for (int i = 0; i < 40; i += 4) {
    const std::string email = fmt::format("avro{}@example.com", i);
    auto status =
        producer_->Produce(kAvroTopic, fmt::format("a-{}", i), AvroMembership(1, false, email));
    ASSERT_TRUE(status.ok()) << status.error().message;
    expected["AvroVIP-EMAIL"].erase(demo::Sha256Hex(email));
  }
  ASSERT_TRUE(
      producer_->Produce(kAvroTopic, "a-unknown", AvroMembership(77, true, "x@example.com")).ok());
  ASSERT_TRUE(producer_->Flush(10s).ok());

  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  const auto caught_up = [&] {
    auto committed = kafka::CommittedOffsets(bootstraps_, group, {kAvroTopic}, 5s);
    auto end = kafka::EndOffsets(bootstraps_, {kAvroTopic}, 5s);
    if (!committed.ok() || !end.ok()) return false;
    for (const auto& [tp, end_offset] : *end) {
      auto it = committed->find(tp);
      if (end_offset > 0 && (it == committed->end() || it->second != end_offset)) return false;
    }
    return true;
  };
  EXPECT_TRUE(WaitFor(caught_up, 90s, 200ms));
  EXPECT_TRUE(connector->Stop());
  EXPECT_GE(registry.requests(), 5) << "the 503s were retried";
  ExpectLists(expected, group);
  auto letters = kafka::ReadTopic(bootstraps_, kDeadLetterTopic);
  ASSERT_TRUE(letters.ok()) << letters.error().message;
  ASSERT_EQ(letters->size(), 1u) << "only the unknown schema id is dead-lettered";
  EXPECT_EQ(letters->front().key, "a-unknown");
}

}  // namespace
}  // namespace pinsync::e2e
