// The decoder's happy paths and defaulting rules (docs/events.md, "Fields").

#include "pinsync/decode/event_decoder.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pinsync::decode {
namespace {

using ::testing::ElementsAre;

constexpr size_t kMaxNestingDepthForTest = 64;  // documented in docs/events.md

constexpr std::string_view kFullExample =
    R"({"audience_id":"vip","audience_name":"VIP shoppers","op":"add","user_id":"u-17",)"
    R"("identifiers":{"email":["Ann@Example.com"],"idfa":["6D92078A-8246-4BA4-AE5B-76104861E7DC"],)"
    R"("gaid":"38400000-8cf0-11bd-b23e-10b96e40000d",)"
    R"("email_sha256":"71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476",)"
    R"("maid_sha256":"31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376"},)"
    R"("ts":1732300000000})";

MembershipEvent MustDecode(std::string_view key, std::string_view value) {
  EventDecoder decoder;
  auto result = decoder.Decode(key, value);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  return result.ok() ? std::move(result).value() : MembershipEvent{};
}

TEST(EventDecoder, DecodesTheFullExample) {
  const MembershipEvent e = MustDecode("u-17", kFullExample);
  EXPECT_EQ(e.audience_id, "vip");
  EXPECT_EQ(e.audience_name, "VIP shoppers");
  EXPECT_EQ(e.user_id, "u-17");
  EXPECT_EQ(e.op, MembershipOp::kAdd);
  ASSERT_TRUE(e.ts_ms.has_value());
  EXPECT_EQ(*e.ts_ms, 1732300000000);
  EXPECT_THAT(e.identifiers.email, ElementsAre("Ann@Example.com"));
  EXPECT_THAT(e.identifiers.idfa, ElementsAre("6D92078A-8246-4BA4-AE5B-76104861E7DC"));
  EXPECT_THAT(e.identifiers.gaid, ElementsAre("38400000-8cf0-11bd-b23e-10b96e40000d"));
  EXPECT_THAT(e.identifiers.email_sha256,
              ElementsAre("71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476"));
  EXPECT_THAT(e.identifiers.maid_sha256,
              ElementsAre("31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376"));
  EXPECT_EQ(e.identifiers.size(), 5u);
}

TEST(EventDecoder, DecodesRemove) {
  const auto e =
      MustDecode("k", R"({"audience_id":"a","op":"remove","identifiers":{"email":"x"}})");
  EXPECT_EQ(e.op, MembershipOp::kRemove);
}

TEST(EventDecoder, IdentifierMayBeStringOrArray) {
  const auto e = MustDecode(
      "k",
      R"({"audience_id":"a","op":"add","identifiers":{"email":["a@x.io","b@x.io"],"idfa":"i"}})");
  EXPECT_THAT(e.identifiers.email, ElementsAre("a@x.io", "b@x.io"));
  EXPECT_THAT(e.identifiers.idfa, ElementsAre("i"));
}

TEST(EventDecoder, EmptyIdentifierStringsAreSkipped) {
  const auto e = MustDecode(
      "k",
      R"({"audience_id":"a","op":"add","identifiers":{"email":["","b@x.io"],"gaid":"","idfa":[]}})");
  EXPECT_THAT(e.identifiers.email, ElementsAre("b@x.io"));
  EXPECT_TRUE(e.identifiers.gaid.empty());
  EXPECT_TRUE(e.identifiers.idfa.empty());
}

TEST(EventDecoder, AudienceNameDefaultsToAudienceId) {
  EXPECT_EQ(MustDecode("k", R"({"audience_id":"vip","op":"add","identifiers":{"email":"x"}})")
                .audience_name,
            "vip");
  EXPECT_EQ(MustDecode("k", R"({"audience_id":"vip","audience_name":"","op":"add",
                                "identifiers":{"email":"x"}})")
                .audience_name,
            "vip");
  EXPECT_EQ(MustDecode("k", R"({"audience_id":"vip","audience_name":null,"op":"add",
                                "identifiers":{"email":"x"}})")
                .audience_name,
            "vip");
}

TEST(EventDecoder, UserIdFallsBackToTheKey) {
  EXPECT_EQ(MustDecode("key-user", R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})")
                .user_id,
            "key-user");
  EXPECT_EQ(MustDecode("key-user", R"({"audience_id":"a","op":"add","user_id":"",
                                       "identifiers":{"email":"x"}})")
                .user_id,
            "key-user");
  EXPECT_EQ(MustDecode("key-user", R"({"audience_id":"a","op":"add","user_id":"body-user",
                                       "identifiers":{"email":"x"}})")
                .user_id,
            "body-user");
}

TEST(EventDecoder, InvalidKeyIsFineWhenUserIdIsInTheBody) {
  const std::string bad_key = "\xff\xfe";
  EXPECT_EQ(MustDecode(bad_key, R"({"audience_id":"a","op":"add","user_id":"u",
                                    "identifiers":{"email":"x"}})")
                .user_id,
            "u");
}

TEST(EventDecoder, TsIsOptional) {
  EXPECT_FALSE(
      MustDecode("k", R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})").ts_ms);
  EXPECT_FALSE(
      MustDecode("k", R"({"audience_id":"a","op":"add","ts":null,"identifiers":{"email":"x"}})")
          .ts_ms);
  EXPECT_EQ(
      MustDecode("k", R"({"audience_id":"a","op":"add","ts":0,"identifiers":{"email":"x"}})").ts_ms,
      0);
}

TEST(EventDecoder, UnknownFieldsAndIdentifierKindsAreIgnored) {
  const auto e = MustDecode("k", R"({"audience_id":"a","op":"add","schema_version":3,
      "extra":{"nested":[1,2,{"x":null}]},
      "identifiers":{"phone":12345,"email":"x@y.io","future_kind":["a"]}})");
  EXPECT_THAT(e.identifiers.email, ElementsAre("x@y.io"));
  EXPECT_EQ(e.identifiers.size(), 1u);
}

TEST(EventDecoder, NullIdentifierKindIsIgnored) {
  const auto e =
      MustDecode("k", R"({"audience_id":"a","op":"add","identifiers":{"idfa":null,"email":"x"}})");
  EXPECT_TRUE(e.identifiers.idfa.empty());
  EXPECT_EQ(e.identifiers.size(), 1u);
}

TEST(EventDecoder, RepeatedMemberLastWins) {
  const auto e = MustDecode("k", R"({"audience_id":"a","audience_id":"b","op":"remove","op":"add",
      "identifiers":{"email":"first","email":["second"]}})");
  EXPECT_EQ(e.audience_id, "b");
  EXPECT_EQ(e.op, MembershipOp::kAdd);
  EXPECT_THAT(e.identifiers.email, ElementsAre("second"));
}

TEST(EventDecoder, RepeatedIdentifiersObjectReplacesTheEarlierOne) {
  const auto e = MustDecode("k", R"({"audience_id":"a","op":"add",
      "identifiers":{"email":"first@x.io","idfa":[7]},
      "identifiers":{"gaid":"g"}})");
  EXPECT_TRUE(e.identifiers.email.empty());
  EXPECT_TRUE(e.identifiers.idfa.empty());
  EXPECT_THAT(e.identifiers.gaid, ElementsAre("g"));
}

TEST(EventDecoder, EscapesAndUnicodeAreDecoded) {
  const auto e = MustDecode(
      "k",
      R"({"audience_id":"caf\u00e9 \ud83d\ude00","op":"add","identifiers":{"email":"\u0041nn@x.io"}})");
  EXPECT_EQ(e.audience_id, "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_THAT(e.identifiers.email, ElementsAre("Ann@x.io"));
}

TEST(EventDecoder, WhitespaceAroundTheObjectIsAccepted) {
  const auto e = MustDecode("k",
                            " \n\t{\"audience_id\":\"a\",\"op\":\"add\","
                            "\"identifiers\":{\"email\":\"x\"}}\r\n ");
  EXPECT_EQ(e.audience_id, "a");
}

TEST(EventDecoder, ValueExactlyAtTheLimitIsAccepted) {
  const std::string value = R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})";
  EventDecoder decoder(value.size() + 1);
  EXPECT_TRUE(decoder.Decode("k", value).ok());  // key + value == limit
  EXPECT_EQ(decoder.max_message_bytes(), value.size() + 1);
}

TEST(EventDecoder, LargeEventSpillsPastTheStackBuffersAndStillDecodes) {
  std::string value = R"({"audience_id":"a","op":"add","identifiers":{"email":[)";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) value += ',';
    value += "\"user" + std::to_string(i) + "@example.com\"";
  }
  value += "]}}";
  const auto e = MustDecode("k", value);
  ASSERT_EQ(e.identifiers.email.size(), 5000u);
  EXPECT_EQ(e.identifiers.email[4999], "user4999@example.com");
}

// The parse buffer is a padded copy (SIMD scanning reads whole 16-byte blocks past the end):
// every length around the stack buffer's size and around a block boundary decodes the same.
TEST(EventDecoder, EveryValueLengthAroundTheBufferBoundariesDecodes) {
  const std::string head =
      R"({"audience_id":"a","op":"add","identifiers":{"email":"x@y.io"},"pad":")";
  for (size_t length = 4050; length <= 4130; ++length) {
    std::string value = head;
    value.append(length - head.size() - 2, 'p');
    value += "\"}";
    ASSERT_EQ(value.size(), length);
    const auto e = MustDecode("k", value);
    EXPECT_EQ(e.audience_id, "a") << length;
    EXPECT_THAT(e.identifiers.email, ElementsAre("x@y.io")) << length;
  }
}

// Escapes make the in-place parser move the rest of a string back; long strings cross several
// 16-byte blocks after one, and each field still comes out unescaped.
TEST(EventDecoder, EscapedStringsAreUnescapedInEveryField) {
  const std::string tail(40, 't');
  const std::string value = R"({"audience_id":"a\"b)" + tail + R"(","audience_name":"caf\u00e9 )" +
                            tail + R"(","op":"add","user_id":"u\\v\ud83d\ude00)" + tail +
                            R"(","identifiers":{"email":["\u0041nn@example.com)" + tail + R"("]}})";
  const auto e = MustDecode("k", value);
  EXPECT_EQ(e.audience_id, "a\"b" + tail);
  EXPECT_EQ(e.audience_name, "caf\xc3\xa9 " + tail);
  EXPECT_EQ(e.user_id, "u\\v\xf0\x9f\x98\x80" + tail);
  EXPECT_THAT(e.identifiers.email, ElementsAre("Ann@example.com" + tail));
}

TEST(EventDecoder, NestingUpToTheLimitIsAcceptedInUnknownFields) {
  // The root object is level 1, so an unknown member may nest kMaxNestingDepth - 1 levels.
  std::string value = R"({"audience_id":"a","op":"add","identifiers":{"email":"x"},"deep":)";
  value.append(kMaxNestingDepthForTest - 1, '[');
  value.append(kMaxNestingDepthForTest - 1, ']');
  value += '}';
  EXPECT_EQ(MustDecode("k", value).audience_id, "a");
}

TEST(EventDecoder, DecoderIsReusable) {
  EventDecoder decoder;
  for (int i = 0; i < 3; ++i) {
    auto r = decoder.Decode("k", kFullExample);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->audience_id, "vip");
    EXPECT_FALSE(decoder.Decode("k", "{").ok());
  }
}

}  // namespace
}  // namespace pinsync::decode
