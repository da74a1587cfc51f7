// Bad input: each kind of message the connector must reject lands in the dead-letter topic with
// its reason, the original key and value and where it came from; every good message around them
// still reaches Pinterest.
#include <fmt/format.h>

#include "e2e/e2e_fixture.h"
#include "pinsync/kafka/dead_letter_producer.h"

namespace pinsync::e2e {
namespace {

struct BadMessage {
  std::string key;
  std::string value;
  std::string reason;
};

std::vector<BadMessage> BadMessages(size_t max_message_bytes) {
  const std::string head = R"({"audience_id":"vip","audience_name":"VIP",)";
  std::vector<BadMessage> bad = {
      {"bad-0", head + R"("op":"add","identifiers":{"email":")", "malformed_json"},
      {"bad-1", head + R"("op":1,"identifiers":{"email":["wrong.type@example.com"]}})",
       "wrong_type"},
      {"bad-2", head + R"("op":"upsert","identifiers":{"email":["unknown.op@example.com"]}})",
       "unknown_op"},
      {"bad-3", head + R"("op":"add","identifiers":{"email":["not-an-email"]}})", "invalid_email"},
      {"bad-4", head + R"("op":"add","identifiers":{"idfa":"12345"}})", "invalid_maid"},
      {"bad-5", head + R"("op":"add","identifiers":{}})", "no_identifiers"},
      {"bad-6", head + "\"op\":\"add\",\"identifiers\":{\"email\":[\"caf\xC3\x28@example.com\"]}}",
       "invalid_utf8"},
  };
  // Valid in every other way, but bigger than kafka.max_message_bytes.
  bad.push_back({"bad-7",
                 head + R"("op":"add","identifiers":{"email":["too.large@example.com"]},"note":")" +
                     std::string(max_message_bytes + 100, 'x') + "\"}",
                 "too_large"});
  return bad;
}

// A deterministic lowercase UUID-shaped IDFA for user i.
std::string Idfa(int i) { return fmt::format("{:08x}-0000-4000-8000-{:012x}", i * 7919, i + 1); }

TEST_F(E2eTest, BadInputIsDeadLetteredWithReasonAndGoodMessagesArrive) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(3));
  const std::string group = "e2e-bad-input";
  config::Config cfg = BaseConfig(group);
  cfg.kafka.max_message_bytes = 2048;
  cfg.batching.max_records = 40;
  const auto bad = BadMessages(cfg.kafka.max_message_bytes);

  // Good messages: 120 users join VIP (email + IDFA) or Newsletter (email); every fifth then
  // leaves again. A bad message follows every 30 good ones.
  ExpectedLists expected;
  std::vector<std::pair<std::string, std::string>> messages;
  size_t next_bad = 0;
  auto good = [&](int i, const std::string& op) {
    const std::string email = fmt::format("good{}@example.com", i);
    const bool vip = i % 2 == 0;
    const std::string ids = vip ? fmt::format(R"({{"email":["{}"],"idfa":"{}"}})", email, Idfa(i))
                                : fmt::format(R"({{"email":["{}"]}})", email);
    messages.emplace_back(fmt::format("u-{}", i), vip ? EventJson("vip", "VIP", op, ids)
                                                      : EventJson("news", "Newsletter", op, ids));
    auto apply = [&](const std::string& list, const std::string& hex) {
      if (op == "add") {
        expected[list].insert(hex);
      } else {
        expected[list].erase(hex);
      }
    };
    apply(vip ? "VIP-EMAIL" : "Newsletter-EMAIL", demo::Sha256Hex(email));
    if (vip) apply("VIP-MAID", demo::Sha256Hex(Idfa(i)));
    if (messages.size() % 30 == 0 && next_bad < bad.size()) {
      messages.emplace_back(bad[next_bad].key, bad[next_bad].value);
      ++next_bad;
    }
  };
  for (int i = 0; i < 120; ++i) good(i, "add");
  for (int i = 0; i < 120; i += 5) good(i, "remove");
  for (; next_bad < bad.size(); ++next_bad)
    messages.emplace_back(bad[next_bad].key, bad[next_bad].value);
  ASSERT_NO_FATAL_FAILURE(ProduceAll(messages));

  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  EXPECT_TRUE(WaitCaughtUp(group, 90s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());
  ExpectLists(expected, group);

  auto source = kafka::ReadTopic(bootstraps_, kTopic);
  ASSERT_TRUE(source.ok()) << source.error().message;
  auto letters = kafka::ReadTopic(bootstraps_, kDeadLetterTopic);
  ASSERT_TRUE(letters.ok()) << letters.error().message;
  EXPECT_EQ(letters->size(), bad.size());
  for (const BadMessage& expected_letter : bad) {
    SCOPED_TRACE(expected_letter.reason);
    const kafka::StoredMessage* letter = nullptr;
    for (const auto& candidate : *letters) {
      if (candidate.key == expected_letter.key) letter = &candidate;
    }
    ASSERT_NE(letter, nullptr) << "no dead letter for " << expected_letter.key;
    EXPECT_EQ(letter->value, expected_letter.value);
    const std::string* reason = letter->Header(std::string(kafka::kHeaderReason));
    ASSERT_NE(reason, nullptr);
    EXPECT_EQ(*reason, expected_letter.reason);
    const std::string* topic = letter->Header(std::string(kafka::kHeaderSourceTopic));
    const std::string* partition = letter->Header(std::string(kafka::kHeaderSourcePartition));
    const std::string* offset = letter->Header(std::string(kafka::kHeaderSourceOffset));
    ASSERT_TRUE(topic && partition && offset);
    EXPECT_EQ(*topic, kTopic);
    EXPECT_NE(letter->Header(std::string(kafka::kHeaderTime)), nullptr);
    // The headers point at the original message.
    bool found = false;
    for (const auto& original : *source) {
      if (std::to_string(original.tp.partition) == *partition &&
          std::to_string(original.offset) == *offset) {
        found = true;
        EXPECT_EQ(original.key, expected_letter.key);
        EXPECT_EQ(original.value, expected_letter.value);
      }
    }
    EXPECT_TRUE(found) << "the source position " << *partition << ":" << *offset
                       << " holds no message";
  }
  EXPECT_EQ(connector->counters().messages_dead_lettered, bad.size());
}

}  // namespace
}  // namespace pinsync::e2e
