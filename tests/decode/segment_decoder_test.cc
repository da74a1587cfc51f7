// The Segment Engage decoder (docs/events.md, "Segment Engage").

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pinsync/decode/decoder_set.h"

namespace pinsync::decode {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

DecodeResult DecodeSegment(std::string_view value, std::string_view key = "k-1",
                           size_t max_bytes = size_t{1} << 20) {
  config::Config c;
  c.kafka.max_message_bytes = max_bytes;
  config::InputConfig input;
  input.topic = "engage";
  input.format = config::InputFormat::kSegment;
  return MakeDecoder(input, c)->Decode(key, value);
}

MembershipEvent MustDecodeSegment(std::string_view value, std::string_view key = "k-1") {
  auto r = DecodeSegment(value, key);
  EXPECT_TRUE(r.ok()) << (r.rejected() ? r.error().detail : "skipped");
  return r.ok() ? *r : MembershipEvent{};
}

DecodeErrc Rejection(std::string_view value, std::string_view key = "k-1") {
  auto r = DecodeSegment(value, key);
  EXPECT_TRUE(r.rejected()) << value;
  return r.rejected() ? r.error().code : DecodeErrc::kTooLarge;
}

const std::string kPersonas =
    R"("personas":{"computation_class":"audience","computation_key":"first_time_shopper",)"
    R"("computation_id":"aud_2Nq4","namespace":"spa_9x","space_id":"spa_9x"})";

std::string Identify(std::string_view membership, std::string_view extra_context = "") {
  return R"({"type":"identify","userId":"u123","traits":{"email":"ann@example.com",)"
         R"("first_time_shopper":)" +
         std::string(membership) + R"(},"context":{)" + kPersonas + std::string(extra_context) +
         "}}";
}

TEST(SegmentDecoder, IdentifyTrueEntersTheAudience) {
  const MembershipEvent e = MustDecodeSegment(Identify("true"));
  EXPECT_EQ(e.op, MembershipOp::kAdd);
  EXPECT_EQ(e.audience_id, "aud_2Nq4");
  EXPECT_EQ(e.audience_name, "first_time_shopper");
  EXPECT_EQ(e.user_id, "u123");
  EXPECT_THAT(e.identifiers.email, ElementsAre("ann@example.com"));
}

TEST(SegmentDecoder, IdentifyFalseExitsTheAudience) {
  EXPECT_EQ(MustDecodeSegment(Identify("false")).op, MembershipOp::kRemove);
}

TEST(SegmentDecoder, IdentifyWithoutPersonasIsSkipped) {
  auto r = DecodeSegment(R"({"type":"identify","userId":"u1","traits":{"email":"a@b.co"}})");
  ASSERT_TRUE(r.skipped());
  EXPECT_EQ(r.skip_reason(), SkipReason::kNoAudienceTrait);
}

TEST(SegmentDecoder, IdentifyWithoutTheAudienceTraitIsSkipped) {
  auto r = DecodeSegment(R"({"type":"identify","userId":"u1","traits":{"email":"a@b.co"},)"
                         R"("context":{)" +
                         kPersonas + "}}");
  ASSERT_TRUE(r.skipped());
  EXPECT_EQ(r.skip_reason(), SkipReason::kNoAudienceTrait);
  EXPECT_TRUE(DecodeSegment(Identify("null")).skipped());
}

TEST(SegmentDecoder, ComputedTraitIdentifyIsSkipped) {
  auto r = DecodeSegment(
      R"({"type":"identify","userId":"u1","traits":{"email":"a@b.co","ltv":true},)"
      R"("context":{"personas":{"computation_class":"trait","computation_key":"ltv"}}})");
  ASSERT_TRUE(r.skipped());
}

TEST(SegmentDecoder, NonBooleanAudienceTraitIsRejected) {
  EXPECT_EQ(Rejection(Identify(R"("true")")), DecodeErrc::kWrongType);
  EXPECT_EQ(Rejection(Identify("1")), DecodeErrc::kWrongType);
}

TEST(SegmentDecoder, TrackEnteredAndExited) {
  const std::string entered =
      R"({"type":"track","event":"Audience Entered","userId":"u9",)"
      R"("properties":{"audience_key":"first_time_shopper","first_time_shopper":true},)"
      R"("context":{"traits":{"email":"zoë@example.com"},)" +
      kPersonas + "}}";
  const MembershipEvent in = MustDecodeSegment(entered);
  EXPECT_EQ(in.op, MembershipOp::kAdd);
  EXPECT_EQ(in.audience_name, "first_time_shopper");
  EXPECT_THAT(in.identifiers.email, ElementsAre("zoë@example.com"));  // unicode kept as is

  const MembershipEvent out =
      MustDecodeSegment(R"({"type":"track","event":"Audience Exited","anonymousId":"anon-1",)"
                        R"("properties":{"audience_key":"vip","vip":false},)"
                        R"("context":{"traits":{"email":"a@b.co"}}})");
  EXPECT_EQ(out.op, MembershipOp::kRemove);
  EXPECT_EQ(out.audience_id, "vip");  // no personas: the audience key stands for the id
  EXPECT_EQ(out.user_id, "anon-1");
}

TEST(SegmentDecoder, OtherTracksAndCallsAreSkipped) {
  auto other_event = DecodeSegment(R"({"type":"track","event":"Order Completed","userId":"u"})");
  ASSERT_TRUE(other_event.skipped());
  EXPECT_EQ(other_event.skip_reason(), SkipReason::kNotAnAudienceEvent);
  auto page = DecodeSegment(R"({"type":"page","userId":"u"})");
  ASSERT_TRUE(page.skipped());
  EXPECT_EQ(page.skip_reason(), SkipReason::kOtherCallType);
}

TEST(SegmentDecoder, AudienceTrackWithoutAKeyIsRejected) {
  EXPECT_EQ(Rejection(R"({"type":"track","event":"Audience Entered","userId":"u",)"
                      R"("context":{"traits":{"email":"a@b.co"}}})"),
            DecodeErrc::kMissingField);
}

TEST(SegmentDecoder, AdvertisingIdByDeviceType) {
  const std::string ios = Identify(
      "true", R"(,"device":{"type":"ios","advertisingId":"6D92078A-8246-4BA4-AE5B-76104861E7DC"})");
  const MembershipEvent a = MustDecodeSegment(ios);
  EXPECT_THAT(a.identifiers.idfa, ElementsAre("6D92078A-8246-4BA4-AE5B-76104861E7DC"));
  EXPECT_THAT(a.identifiers.gaid, IsEmpty());

  const MembershipEvent b = MustDecodeSegment(Identify(
      "true",
      R"(,"device":{"type":"android","advertisingId":"38400000-8cf0-11bd-b23e-10b96e40000d"})"));
  EXPECT_THAT(b.identifiers.gaid, ElementsAre("38400000-8cf0-11bd-b23e-10b96e40000d"));
  EXPECT_THAT(b.identifiers.idfa, IsEmpty());

  // Another device type's id is not one Pinterest matches: left out, the email remains.
  const MembershipEvent c =
      MustDecodeSegment(Identify("true", R"(,"device":{"type":"tvos","advertisingId":"x"})"));
  EXPECT_THAT(c.identifiers.idfa, IsEmpty());
  EXPECT_THAT(c.identifiers.gaid, IsEmpty());
  EXPECT_EQ(c.identifiers.size(), 1u);
}

TEST(SegmentDecoder, EmailFromBothTraitsIsKeptOnce) {
  const MembershipEvent e =
      MustDecodeSegment(Identify("true", R"(,"traits":{"email":"ann@example.com"})"));
  EXPECT_THAT(e.identifiers.email, ElementsAre("ann@example.com"));
}

TEST(SegmentDecoder, UserIdFallsBackToAnonymousIdThenKey) {
  const MembershipEvent e = MustDecodeSegment(
      R"({"type":"track","event":"Audience Entered","userId":null,)"
      R"("properties":{"audience_key":"vip"},"context":{"traits":{"email":"a@b.co"}}})",
      "key-7");
  EXPECT_EQ(e.user_id, "key-7");
  EXPECT_EQ(
      Rejection(R"({"type":"track","event":"Audience Entered",)"
                R"("properties":{"audience_key":"vip"},"context":{"traits":{"email":"a@b.co"}}})",
                ""),
      DecodeErrc::kMissingField);
}

TEST(SegmentDecoder, NoIdentifierIsRejected) {
  EXPECT_EQ(Rejection(R"({"type":"identify","userId":"u","traits":{"first_time_shopper":true,)"
                      R"("email":""},"context":{)" +
                      kPersonas + "}}"),
            DecodeErrc::kNoIdentifiers);
}

TEST(SegmentDecoder, InvalidInputs) {
  EXPECT_EQ(Rejection("not json"), DecodeErrc::kMalformedJson);
  EXPECT_EQ(Rejection(""), DecodeErrc::kMalformedJson);
  EXPECT_EQ(Rejection("[]"), DecodeErrc::kNotAnObject);
  EXPECT_EQ(Rejection("{}"), DecodeErrc::kMissingField);
  EXPECT_EQ(Rejection(R"({"type":7})"), DecodeErrc::kWrongType);
  EXPECT_EQ(Rejection("{\"type\":\"identify\",\"x\":\"\xff\"}"), DecodeErrc::kInvalidUtf8);
  EXPECT_EQ(Rejection(Identify("true", R"(,"traits":{"email":"\udc00"})")),
            DecodeErrc::kInvalidUtf8);
  EXPECT_EQ(Rejection(Identify("true", R"(,"traits":{"email":[1]})")), DecodeErrc::kWrongType);
  EXPECT_EQ(Rejection(R"({"type":"identify","context":{"personas":{"computation_key":5}}})"),
            DecodeErrc::kWrongType);
}

TEST(SegmentDecoder, EmptyArraysAndNullsMeanNone) {
  const MembershipEvent e =
      MustDecodeSegment(Identify("true", R"(,"traits":{"email":[]},"device":null)"));
  EXPECT_THAT(e.identifiers.email, ElementsAre("ann@example.com"));
}

TEST(SegmentDecoder, HugeValues) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(Rejection(deep), DecodeErrc::kNotAnObject);  // iterative parse: no stack overflow
  auto too_large = DecodeSegment(Identify("true"), "k", 64);
  ASSERT_TRUE(too_large.rejected());
  EXPECT_EQ(too_large.error().code, DecodeErrc::kTooLarge);
  const std::string long_email(200000, 'a');
  const MembershipEvent e =
      MustDecodeSegment(Identify("true", R"(,"traits":{"email":")" + long_email + "\"}"));
  EXPECT_EQ(e.identifiers.email.size(), 2u);  // kept as is: the normalizer judges it
}

TEST(SegmentDecoder, ErrorDetailsNeverQuoteValues) {
  auto r = DecodeSegment(Identify(R"("secret-value@example.com")"));
  ASSERT_TRUE(r.rejected());
  EXPECT_EQ(r.error().detail.find("secret-value"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::decode
