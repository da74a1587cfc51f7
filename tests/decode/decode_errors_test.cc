// Every DecodeErrc, with its stable reason string, and the rule that details carry no values.

#include <initializer_list>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "pinsync/decode/event_decoder.h"

namespace pinsync::decode {
namespace {

struct Rejection {
  std::string reason;
  std::string detail;
};

Rejection Reject(std::string_view value, std::string_view key = "k", size_t limit = 1 << 20) {
  EventDecoder decoder(limit);
  auto result = decoder.Decode(key, value);
  if (result.ok()) {
    ADD_FAILURE() << "accepted: " << value;
    return {};
  }
  EXPECT_FALSE(result.error().detail.empty());
  return {std::string(Reason(result.error().code)), result.error().detail};
}

TEST(DecodeErrc, ReasonStringsAreStableAndDistinct) {
  EXPECT_EQ(Reason(DecodeErrc::kTooLarge), "too_large");
  EXPECT_EQ(Reason(DecodeErrc::kInvalidUtf8), "invalid_utf8");
  EXPECT_EQ(Reason(DecodeErrc::kMalformedJson), "malformed_json");
  EXPECT_EQ(Reason(DecodeErrc::kNotAnObject), "not_an_object");
  EXPECT_EQ(Reason(DecodeErrc::kMissingField), "missing_field");
  EXPECT_EQ(Reason(DecodeErrc::kWrongType), "wrong_type");
  EXPECT_EQ(Reason(DecodeErrc::kUnknownOp), "unknown_op");
  EXPECT_EQ(Reason(DecodeErrc::kNoIdentifiers), "no_identifiers");
  std::set<std::string_view> distinct;
  for (auto code : kAllDecodeErrcs) distinct.insert(Reason(code));
  EXPECT_EQ(distinct.size(), std::size(kAllDecodeErrcs));
}

TEST(DecodeErrors, TooLarge) {
  const std::string value = R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})";
  EXPECT_EQ(Reject(value, "k", value.size() - 1).reason, "too_large");
  EXPECT_EQ(Reject(value, "kk", value.size() + 1).reason, "too_large");  // the key counts too
  EXPECT_EQ(Reject(std::string(2 << 20, ' ')).reason, "too_large");      // default 1 MiB
  const auto r = Reject(value, "k", 10);
  EXPECT_NE(r.detail.find("kafka.max_message_bytes"), std::string::npos) << r.detail;
}

TEST(DecodeErrors, InvalidUtf8) {
  // A raw invalid byte inside a string, an overlong '/', a UTF-8-encoded surrogate.
  EXPECT_EQ(
      Reject("{\"audience_id\":\"a\xff\",\"op\":\"add\",\"identifiers\":{\"email\":\"x\"}}").reason,
      "invalid_utf8");
  EXPECT_EQ(
      Reject("{\"audience_id\":\"a\xc0\xaf\",\"op\":\"add\",\"identifiers\":{\"email\":\"x\"}}")
          .reason,
      "invalid_utf8");
  EXPECT_EQ(
      Reject("{\"audience_id\":\"a\",\"op\":\"add\",\"identifiers\":{\"email\":\"\xed\xa0\x80\"}}")
          .reason,
      "invalid_utf8");
  // Invalid bytes in an ignored field still make the message invalid.
  EXPECT_EQ(
      Reject("{\"audience_id\":\"a\",\"op\":\"add\",\"x\":\"\x80\",\"identifiers\":{\"email\":"
             "\"x\"}}")
          .reason,
      "invalid_utf8");
  // An escaped lone surrogate decodes to something that is not UTF-8.
  EXPECT_EQ(
      Reject(R"({"audience_id":"a","op":"add","identifiers":{"email":"\udc00@x.io"}})").reason,
      "invalid_utf8");
  EXPECT_EQ(Reject(R"({"audience_id":"\udfff","op":"add","identifiers":{"email":"x"}})").reason,
            "invalid_utf8");
  EXPECT_EQ(Reject(R"({"audience_id":"a","op":"add","user_id":"u\udc00",)"
                   R"("identifiers":{"email":"x"}})")
                .reason,
            "invalid_utf8");
  EXPECT_EQ(Reject(R"({"audience_id":"a","audience_name":"\udc00","op":"add",)"
                   R"("identifiers":{"gaid":"x"}})")
                .reason,
            "invalid_utf8");
  EXPECT_EQ(
      Reject(R"({"audience_id":"a","op":"add","identifiers":{"gaid":["ok","\udc00"]}})").reason,
      "invalid_utf8");
  // The key, when it is the user id.
  const auto r = Reject(R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})", "\xc3");
  EXPECT_EQ(r.reason, "invalid_utf8");
  EXPECT_NE(r.detail.find("key"), std::string::npos) << r.detail;
}

TEST(DecodeErrors, MalformedJson) {
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "", "   ", "{", R"({"audience_id":"a",})", R"({'audience_id':'a'})",
           R"({"audience_id":"a"} trailing)", R"({"audience_id":"a"}{})", "{\"a\":\"x\ty\"}",
           R"({"ts":1e400})", R"({"ts":NaN})", R"({"a":"\u12"})", R"({"a":"\ud800x"})",
           std::string_view("\x00{}", 3)}) {
    EXPECT_EQ(Reject(bad).reason, "malformed_json") << bad;
  }
}

TEST(DecodeErrors, DeepNestingIsMalformedNotACrash) {
  EXPECT_EQ(Reject(std::string(500000, '[')).reason, "malformed_json");
  EXPECT_EQ(Reject(std::string(500000, '{')).reason, "malformed_json");
  std::string deep = R"({"audience_id":"a","op":"add","identifiers":{"email":"x"},"deep":)";
  deep.append(64, '[');
  deep.append(64, ']');
  deep += '}';
  const auto r = Reject(deep);  // 65 levels with the root object
  EXPECT_EQ(r.reason, "malformed_json");
  EXPECT_NE(r.detail.find("deeper than 64"), std::string::npos) << r.detail;
  // Over the limit inside a field the decoder reads, too.
  std::string deep_ids = R"({"audience_id":"a","op":"add","identifiers":{"email":)";
  deep_ids.append(100, '[');
  EXPECT_EQ(Reject(deep_ids).reason, "malformed_json");
}

TEST(DecodeErrors, SyntaxErrorsWinOverSemanticOnes) {
  // A message that is both mistyped and truncated is malformed: type rules apply to JSON only.
  EXPECT_EQ(Reject(R"({"audience_id":7,"op":"add")").reason, "malformed_json");
  EXPECT_EQ(Reject(R"([1,2)").reason, "malformed_json");
  EXPECT_EQ(Reject(R"({"audience_id":"a","op":"add","identifiers":{"email":[1]}} x)").reason,
            "malformed_json");
  // A NUL byte after a complete object must not end the message early.
  const std::string with_nul =
      std::string(R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})") + '\0' + "junk";
  EXPECT_EQ(Reject(with_nul).reason, "malformed_json");
}

TEST(DecodeErrors, NotAnObject) {
  for (std::string_view bad : {"[]", R"(["audience_id"])", "\"x\"", "42", "null", "true"}) {
    EXPECT_EQ(Reject(bad).reason, "not_an_object") << bad;
  }
}

TEST(DecodeErrors, MissingField) {
  EXPECT_EQ(Reject(R"({"op":"add","identifiers":{"email":"x"}})").reason, "missing_field");
  EXPECT_EQ(Reject(R"({"audience_id":null,"op":"add","identifiers":{"email":"x"}})").reason,
            "missing_field");
  EXPECT_EQ(Reject(R"({"audience_id":"","op":"add","identifiers":{"email":"x"}})").reason,
            "missing_field");
  EXPECT_EQ(Reject(R"({"audience_id":"a","identifiers":{"email":"x"}})").reason, "missing_field");
  // No user_id and no key.
  const auto r = Reject(R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})", "");
  EXPECT_EQ(r.reason, "missing_field");
  EXPECT_NE(r.detail.find("user_id"), std::string::npos) << r.detail;
}

TEST(DecodeErrors, MissingFieldDetailNamesTheField) {
  EXPECT_NE(Reject(R"({"op":"add"})").detail.find("audience_id"), std::string::npos);
  EXPECT_NE(Reject(R"({"audience_id":"a"})").detail.find("op"), std::string::npos);
}

TEST(DecodeErrors, WrongType) {
  for (
      std::string_view bad : {
          R"({"audience_id":7,"op":"add","identifiers":{"email":"x"}})",
          R"({"audience_id":["a"],"op":"add","identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":1,"identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","user_id":17,"identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","audience_name":{},"identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","ts":"1732300000000","identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","ts":1.5,"identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","ts":-1,"identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","ts":18446744073709551615,"identifiers":{"email":"x"}})",
          R"({"audience_id":"a","op":"add","identifiers":[{"email":"x"}]})",
          R"({"audience_id":"a","op":"add","identifiers":"x@y.io"})",
          R"({"audience_id":"a","op":"add","identifiers":{"email":42}})",
          R"({"audience_id":"a","op":"add","identifiers":{"email":{"v":"x"}}})",
          R"({"audience_id":"a","op":"add","identifiers":{"idfa":["ok",7]}})",
          R"({"audience_id":"a","op":"add","identifiers":{"gaid":[null]}})",
          R"({"audience_id":"a","op":"add","identifiers":{"email":[["x"]]}})",
      }) {
    EXPECT_EQ(Reject(bad).reason, "wrong_type") << bad;
  }
}

TEST(DecodeErrors, WrongTypeDetailNamesTheField) {
  EXPECT_NE(Reject(R"({"audience_id":"a","op":"add","identifiers":{"idfa":[1]}})")
                .detail.find("identifiers.idfa"),
            std::string::npos);
  EXPECT_NE(Reject(R"({"audience_id":"a","op":"add","ts":"x","identifiers":{"email":"x"}})")
                .detail.find("ts"),
            std::string::npos);
}

TEST(DecodeErrors, UnknownOp) {
  for (std::string_view op : {"ADD", "Remove", "delete", "", " add"}) {
    const std::string value =
        R"({"audience_id":"a","op":")" + std::string(op) + R"(","identifiers":{"email":"x"}})";
    EXPECT_EQ(Reject(value).reason, "unknown_op") << op;
  }
}

TEST(DecodeErrors, NoIdentifiers) {
  for (std::string_view bad : {
           R"({"audience_id":"a","op":"add"})",
           R"({"audience_id":"a","op":"add","identifiers":null})",
           R"({"audience_id":"a","op":"add","identifiers":{}})",
           R"({"audience_id":"a","op":"add","identifiers":{"email":"","idfa":[]}})",
           R"({"audience_id":"a","op":"add","identifiers":{"email":[""],"gaid":null}})",
           R"({"audience_id":"a","op":"add","identifiers":{"phone":"+15551234567"}})",
       }) {
    EXPECT_EQ(Reject(bad).reason, "no_identifiers") << bad;
  }
}

TEST(DecodeErrors, FirstProblemInFieldOrderIsReported) {
  // audience_id is checked before op, op before identifiers.
  EXPECT_EQ(Reject(R"({"op":"nope"})").reason, "missing_field");
  EXPECT_EQ(Reject(R"({"audience_id":"a","op":"nope"})").reason, "unknown_op");
}

TEST(DecodeErrors, DetailNeverContainsIdentifierValues) {
  const std::string secret = "Secret.Person@Example.com";
  for (const std::string& value : {
           R"({"audience_id":"a","op":"add","identifiers":{"email":[")" + secret + R"(",1]}})",
           R"({"audience_id":"a","op":")" + secret + R"(","identifiers":{"email":"x"}})",
           R"({"audience_id":")" + secret + R"(\udc00","op":"add","identifiers":{"email":"x"}})",
           R"({"audience_id":"a","op":"add","user_id":")" + secret + "\xff\"}",
           R"({"audience_id":"a","op":"add","identifiers":{"email":")" + secret + R"("},})",
       }) {
    const auto r = Reject(value);
    EXPECT_EQ(r.detail.find("Secret"), std::string::npos) << r.reason << ": " << r.detail;
  }
  const auto keyed = Reject(R"({"audience_id":"a","op":"add","identifiers":{}})", secret);
  EXPECT_EQ(keyed.detail.find("Secret"), std::string::npos) << keyed.detail;
}

TEST(DecoderStats, CountsDecodedAndRejectedByReason) {
  prometheus::Registry registry;
  DecoderStats stats = DecoderStats::Create(registry);
  EventDecoder decoder(1 << 20, &stats);
  EXPECT_TRUE(
      decoder.Decode("k", R"({"audience_id":"a","op":"add","identifiers":{"email":"x"}})").ok());
  EXPECT_FALSE(decoder.Decode("k", "{").ok());
  EXPECT_FALSE(decoder.Decode("k", "[").ok());
  EXPECT_FALSE(decoder.Decode("k", R"({"audience_id":"a","op":"x"})").ok());
  EXPECT_EQ(stats.decoded.Value(), 0);  // tallied per message, added to the counter on Publish
  stats.Publish();
  EXPECT_EQ(stats.decoded.Value(), 1);
  stats.Publish();  // nothing new: unchanged
  EXPECT_EQ(stats.decoded.Value(), 1);
  EXPECT_EQ(stats.rejected[static_cast<size_t>(DecodeErrc::kMalformedJson)]->Value(), 2);
  EXPECT_EQ(stats.rejected[static_cast<size_t>(DecodeErrc::kUnknownOp)]->Value(), 1);
  EXPECT_EQ(stats.rejected[static_cast<size_t>(DecodeErrc::kTooLarge)]->Value(), 0);

  // One series per reason, labelled only with the fixed reason strings.
  size_t series = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != "pinsync_events_rejected_total") continue;
    for (const auto& metric : family.metric) {
      ASSERT_EQ(metric.label.size(), 1u);
      EXPECT_EQ(metric.label[0].name, "reason");
      ++series;
    }
  }
  EXPECT_EQ(series, std::size(kAllDecodeErrcs));
}

}  // namespace
}  // namespace pinsync::decode
