// Decoding into one reused MembershipEvent (the consumer thread's path, issue 10): every message
// must come out exactly as a fresh decode gives it, whatever the messages before it held, and a
// warm event must keep its buffers instead of allocating again.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pinsync/decode/decoder_set.h"
#include "pinsync/decode/membership_event.h"

#include "two_topics_config.h"

namespace pinsync::decode {
namespace {

struct TopicMessage {
  std::string topic;
  std::string key;
  std::string value;
};

// A stream mixing formats, outcomes and optional fields, so each message follows one that set
// fields it leaves out (name, ts, user_id, every identifier kind).
std::vector<TopicMessage> MixedStream() {
  const std::string long_email = std::string(300, 'x') + "@example.com";  // past kKeptCapacity
  return {
      {"membership", "k1",
       R"({"audience_id":"vip","audience_name":"VIP buyers","op":"add","user_id":"u1","ts":17,)"
       R"("identifiers":{"email":["a@example.com","b.long.address@example.com"],)"
       R"("idfa":"6D92078A-8246-4BA4-AE5B-76104861E7DC","gaid":"38400000-8cf0-11bd-b23e-10b96e40000d",)"
       R"("email_sha256":"8f1b0c4d8e9f5e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a49382716050",)"
       R"("maid_sha256":"0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"}})"},
      // No name, ts or user_id (the key stands in), one email only.
      {"membership", "k2",
       R"({"audience_id":"churn","op":"remove","identifiers":{"email":"c@x.io"}})"},
      // Rejected: its partly filled event must not leak into the next one.
      {"membership", "k3",
       R"({"audience_id":"vip","op":"add","identifiers":{"email":"d@x.io","idfa":5}})"},
      {"membership", "k4", R"({"audience_id":"vip","op":"add","identifiers":{"gaid":"g-1"}})"},
      {"membership", "k5", "not json"},
      {"membership", "k6",
       R"({"audience_id":"big","op":"add","identifiers":{"email":")" + long_email + R"("}})"},
      {"membership", "k7", R"({"audience_id":"vip","op":"add","identifiers":{"email":"e@x.io"}})"},
      // Segment: an Audience Entered track, then a skip, then an identify with an audience trait.
      {"engage", "s1",
       R"({"type":"track","event":"Audience Entered","userId":"u9",)"
       R"("properties":{"audience_key":"vip_segment"},"context":{"traits":{"email":"f@x.io"},)"
       R"("device":{"advertisingId":"6D92078A-8246-4BA4-AE5B-76104861E7DC","type":"ios"}}})"},
      {"engage", "s2", R"({"type":"page","userId":"u9"})"},
      {"engage", "s3",
       R"({"type":"identify","userId":"u10","traits":{"email":"g@x.io","vip_segment":false},)"
       R"("context":{"personas":{"computation_key":"vip_segment"}}})"},
      {"membership", "k8", R"({"audience_id":"vip","op":"add","identifiers":{"email":"h@x.io"}})"},
  };
}

void ExpectSameEvent(const MembershipEvent& reused, const MembershipEvent& fresh) {
  EXPECT_EQ(reused.audience_id, fresh.audience_id);
  EXPECT_EQ(reused.audience_name, fresh.audience_name);
  EXPECT_EQ(reused.user_id, fresh.user_id);
  EXPECT_EQ(reused.op, fresh.op);
  EXPECT_EQ(reused.ts_ms, fresh.ts_ms);
  EXPECT_EQ(reused.identifiers.email, fresh.identifiers.email);
  EXPECT_EQ(reused.identifiers.idfa, fresh.identifiers.idfa);
  EXPECT_EQ(reused.identifiers.gaid, fresh.identifiers.gaid);
  EXPECT_EQ(reused.identifiers.email_sha256, fresh.identifiers.email_sha256);
  EXPECT_EQ(reused.identifiers.maid_sha256, fresh.identifiers.maid_sha256);
}

TEST(ReusedEvent, EveryMessageDecodesAsAFreshDecodeWhateverCameBefore) {
  DecoderSet reusing(TwoTopicsConfig());
  DecoderSet fresh(TwoTopicsConfig());
  MembershipEvent event;
  const auto stream = MixedStream();
  int ok = 0, rejected = 0, skipped = 0;
  // Twice over, so the first message also follows the last.
  for (int pass = 0; pass < 2; ++pass) {
    for (const TopicMessage& m : stream) {
      SCOPED_TRACE(m.topic + "/" + m.key);
      const DecodeStatus status = reusing.DecodeInto(m.topic, m.key, m.value, event);
      const DecodeResult expected = fresh.Decode(m.topic, m.key, m.value);
      ASSERT_EQ(status.ok(), expected.ok());
      ASSERT_EQ(status.rejected(), expected.rejected());
      ASSERT_EQ(status.skipped(), expected.skipped());
      if (status.ok()) {
        ++ok;
        ExpectSameEvent(event, *expected);
      } else if (status.rejected()) {
        ++rejected;
        EXPECT_EQ(status.error().code, expected.error().code);
        EXPECT_EQ(status.error().detail, expected.error().detail);
      } else {
        ++skipped;
        EXPECT_EQ(status.skip_reason(), expected.skip_reason());
      }
    }
  }
  // The stream exercises all three outcomes.
  EXPECT_EQ(ok, 2 * 8);
  EXPECT_EQ(rejected, 2 * 2);
  EXPECT_EQ(skipped, 2 * 1);
}

TEST(ReusedEvent, AWarmEventKeepsItsBuffers) {
  DecoderSet set(TwoTopicsConfig());
  MembershipEvent event;
  auto decode = [&](const std::string& email) {
    const std::string value =
        R"({"audience_id":"a-rather-long-audience-id","op":"add","identifiers":{"email":")" +
        email + R"("}})";
    ASSERT_TRUE(set.DecodeInto("membership", "a-long-user-key-000000001", value, event).ok());
  };
  decode("first.address.long.enough@example.com");
  const char* email_buffer = event.identifiers.email[0].data();
  const char* audience_buffer = event.audience_id.data();
  const char* user_buffer = event.user_id.data();
  decode("other.address.long.enough@example.com");
  EXPECT_EQ(event.identifiers.email[0], "other.address.long.enough@example.com");
  EXPECT_EQ(event.identifiers.email[0].data(), email_buffer);
  EXPECT_EQ(event.audience_id.data(), audience_buffer);
  EXPECT_EQ(event.user_id.data(), user_buffer);
}

TEST(IdentifierValues, ClearKeepsBoundedBuffers) {
  IdentifierValues values;
  for (int i = 0; i < 20; ++i) values.emplace_back(std::string(40, static_cast<char>('a' + i)));
  values.emplace_back(std::string(IdentifierValues::kKeptCapacity + 1, 'z'));
  ASSERT_EQ(values.size(), 21u);
  const char* first = values[0].data();
  values.clear();
  EXPECT_TRUE(values.empty());
  EXPECT_EQ(values.begin(), values.end());
  values.emplace_back("short but reused, at forty bytes or so..");
  EXPECT_EQ(values[0].data(), first);  // the buffer of a small value is kept
  EXPECT_EQ(values, (std::vector<std::string>{"short but reused, at forty bytes or so.."}));
}

TEST(IdentifierValues, AValueOverTheKeptCapacityIsReleasedOnClear) {
  IdentifierValues values;
  values.emplace_back(std::string(IdentifierValues::kKeptCapacity * 4, 'z'));
  values.clear();
  values.emplace_back("x");
  EXPECT_LE(values[0].capacity(), IdentifierValues::kKeptCapacity);
}

TEST(IdentifierValues, ComparesByValuesInOrder) {
  IdentifierValues a{"x", "y"};
  IdentifierValues b;
  b.emplace_back("x");
  b.emplace_back("y");
  EXPECT_EQ(a, b);
  b.clear();
  b.emplace_back("y");
  b.emplace_back("x");
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == (std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace pinsync::decode
