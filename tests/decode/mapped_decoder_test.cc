// The mapped JSON decoder (docs/events.md, "Mapped JSON"): JSON Pointers from inputs[].mapping.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pinsync/decode/decoder_set.h"

namespace pinsync::decode {
namespace {

using ::testing::ElementsAre;

config::FieldMapping CrmMapping() {
  config::FieldMapping m;
  m.audience_id = "/segment/id";
  m.audience_name = "/segment/name";
  m.user_id = "/customer/id";
  m.ts = "/at";
  m.op = "/action";
  m.add_values = {"joined", "added"};
  m.remove_values = {"left"};
  m.email = "/customer/emails";
  m.idfa = "/devices/ios";
  m.gaid = "/devices/android";
  m.email_sha256 = "/hashed~1email";  // a key with '/' in it: RFC 6901 escape
  return m;
}

DecodeResult DecodeMapped(const config::FieldMapping& m, std::string_view value,
                          std::string_view key = "k-1") {
  config::Config c;
  config::InputConfig input;
  input.topic = "crm";
  input.format = config::InputFormat::kMapped;
  input.mapping = m;
  return MakeDecoder(input, c)->Decode(key, value);
}

MembershipEvent MustDecode(const config::FieldMapping& m, std::string_view value,
                           std::string_view key = "k-1") {
  auto r = DecodeMapped(m, value, key);
  EXPECT_TRUE(r.ok()) << (r.rejected() ? r.error().detail : "skipped");
  return r.ok() ? *r : MembershipEvent{};
}

DecodeErrc Rejection(const config::FieldMapping& m, std::string_view value,
                     std::string_view key = "k-1") {
  auto r = DecodeMapped(m, value, key);
  EXPECT_TRUE(r.rejected()) << value;
  return r.rejected() ? r.error().code : DecodeErrc::kTooLarge;
}

constexpr std::string_view kCrmEvent =
    R"({"segment":{"id":4711,"name":"Gold tier"},"action":"joined","at":1732300000000,)"
    R"("customer":{"id":"c-9","emails":["ann@example.com","ann.b@example.com"]},)"
    R"("devices":{"ios":"6D92078A-8246-4BA4-AE5B-76104861E7DC","android":[]},)"
    R"("hashed/email":"71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476"})";

TEST(MappedDecoder, ReadsEveryMappedField) {
  const MembershipEvent e = MustDecode(CrmMapping(), kCrmEvent);
  EXPECT_EQ(e.audience_id, "4711");  // an integer id is read as its decimal text
  EXPECT_EQ(e.audience_name, "Gold tier");
  EXPECT_EQ(e.user_id, "c-9");
  EXPECT_EQ(e.op, MembershipOp::kAdd);
  ASSERT_TRUE(e.ts_ms.has_value());
  EXPECT_EQ(*e.ts_ms, 1732300000000);
  EXPECT_THAT(e.identifiers.email, ElementsAre("ann@example.com", "ann.b@example.com"));
  EXPECT_THAT(e.identifiers.idfa, ElementsAre("6D92078A-8246-4BA4-AE5B-76104861E7DC"));
  EXPECT_TRUE(e.identifiers.gaid.empty());
  EXPECT_EQ(e.identifiers.email_sha256.size(), 1u);
}

TEST(MappedDecoder, RemoveValuesAndUnknownOps) {
  EXPECT_EQ(MustDecode(CrmMapping(), R"({"segment":{"id":"g"},"action":"left",)"
                                     R"("customer":{"emails":"a@b.co"}})")
                .op,
            MembershipOp::kRemove);
  EXPECT_EQ(Rejection(CrmMapping(), R"({"segment":{"id":"g"},"action":"add",)"
                                    R"("customer":{"emails":"a@b.co"}})"),
            DecodeErrc::kUnknownOp);
  EXPECT_EQ(Rejection(CrmMapping(), R"({"segment":{"id":"g"},"customer":{"emails":"a@b.co"}})"),
            DecodeErrc::kMissingField);
}

TEST(MappedDecoder, BooleanMembershipPointer) {
  config::FieldMapping m;
  m.audience_id = "/list";
  m.member = "/subscribed";
  m.email = "/email";
  EXPECT_EQ(MustDecode(m, R"({"list":"l","subscribed":true,"email":"a@b.co"})").op,
            MembershipOp::kAdd);
  EXPECT_EQ(MustDecode(m, R"({"list":"l","subscribed":false,"email":"a@b.co"})").op,
            MembershipOp::kRemove);
  EXPECT_EQ(Rejection(m, R"({"list":"l","subscribed":"yes","email":"a@b.co"})"),
            DecodeErrc::kWrongType);
  EXPECT_EQ(Rejection(m, R"({"list":"l","subscribed":null,"email":"a@b.co"})"),
            DecodeErrc::kMissingField);
}

TEST(MappedDecoder, DefaultsForUnmappedFields) {
  config::FieldMapping m;
  m.audience_id = "/a";
  m.op = "/op";
  m.email = "/e";
  const MembershipEvent e = MustDecode(m, R"({"a":"vip","op":"add","e":"a@b.co"})", "key-3");
  EXPECT_EQ(e.audience_name, "vip");
  EXPECT_EQ(e.user_id, "key-3");
  EXPECT_FALSE(e.ts_ms.has_value());
  EXPECT_EQ(Rejection(m, R"({"a":"vip","op":"add","e":"a@b.co"})", ""), DecodeErrc::kMissingField);
}

TEST(MappedDecoder, RootPointerAndArrayIndex) {
  config::FieldMapping m;
  m.audience_id = "/lists/0";
  m.op = "/op";
  m.email = "";
  m.gaid = "/ids/1";
  const MembershipEvent e =
      MustDecode(m, R"({"lists":["first","second"],"op":"add","ids":["x","g-1"]})");
  EXPECT_EQ(e.audience_id, "first");
  EXPECT_THAT(e.identifiers.gaid, ElementsAre("g-1"));
}

TEST(MappedDecoder, InvalidValues) {
  const config::FieldMapping m = CrmMapping();
  EXPECT_EQ(Rejection(m, "nope"), DecodeErrc::kMalformedJson);
  EXPECT_EQ(Rejection(m, "\"text\""), DecodeErrc::kNotAnObject);
  EXPECT_EQ(Rejection(m, R"({"action":"joined","customer":{"emails":"a@b.co"}})"),
            DecodeErrc::kMissingField);
  EXPECT_EQ(Rejection(m, R"({"segment":{"id":""},"action":"joined","customer":{"emails":"a"}})"),
            DecodeErrc::kMissingField);
  EXPECT_EQ(Rejection(m, R"({"segment":{"id":1.5},"action":"joined","customer":{"emails":"a"}})"),
            DecodeErrc::kWrongType);
  EXPECT_EQ(
      Rejection(m, R"({"segment":{"id":"g"},"action":"joined","customer":{"emails":[null]}})"),
      DecodeErrc::kWrongType);
  EXPECT_EQ(Rejection(m, R"({"segment":{"id":"g"},"action":"joined","at":-1,)"
                         R"("customer":{"emails":"a"}})"),
            DecodeErrc::kWrongType);
  EXPECT_EQ(Rejection(m, R"({"segment":{"id":"g"},"action":"joined","customer":{"emails":[]}})"),
            DecodeErrc::kNoIdentifiers);
  EXPECT_EQ(
      Rejection(m, R"({"segment":{"id":"\udc00"},"action":"joined","customer":{"emails":"a"}})"),
      DecodeErrc::kInvalidUtf8);
}

TEST(MappedDecoder, UnicodeAndHugeValues) {
  const config::FieldMapping m = CrmMapping();
  const MembershipEvent e = MustDecode(
      m,
      R"({"segment":{"id":"günstig-😀"},"action":"joined","customer":{"emails":"zoë@example.com"}})");
  EXPECT_EQ(e.audience_id, "günstig-😀");
  const std::string deep =
      R"({"segment":)" + std::string(50000, '[') + std::string(50000, ']') + "}";
  EXPECT_EQ(Rejection(m, deep), DecodeErrc::kMissingField);  // parsed iteratively, no crash
  std::string many = R"({"segment":{"id":"g"},"action":"joined","customer":{"emails":[)";
  for (int i = 0; i < 10000; ++i)
    many += std::string(i ? "," : "") + "\"e" + std::to_string(i) + "\"";
  many += "]}}";
  EXPECT_EQ(MustDecode(m, many).identifiers.email.size(), 10000u);
}

TEST(MappedDecoder, ErrorsNameThePointerNotTheValue) {
  auto r = DecodeMapped(
      CrmMapping(), R"({"segment":{"id":"g"},"action":"private-op","customer":{"emails":"a"}})");
  ASSERT_TRUE(r.rejected());
  EXPECT_NE(r.error().detail.find("/action"), std::string::npos);
  EXPECT_EQ(r.error().detail.find("private-op"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::decode
