// The Avro decoder (docs/events.md, "Avro"): Confluent wire format, schemas from a registry
// stand-in on loopback, the native field names or a mapping, and the hold while the registry is
// unavailable (retried, never dead-lettered).

#include "avro_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <vector>

#include "registry_stand_in.h"

namespace pinsync::decode {
namespace {

using testing::AvroBytes;
using ::testing::ElementsAre;
using testing::RegistryStandIn;

constexpr char kMembershipSchema[] = R"({"type":"record","name":"Membership","fields":[
  {"name":"audience_id","type":"string"},
  {"name":"audience_name","type":["null","string"],"default":null},
  {"name":"op","type":{"type":"enum","name":"Op","symbols":["add","remove"]}},
  {"name":"user_id","type":["null","string"],"default":null},
  {"name":"ts","type":["null","long"],"default":null},
  {"name":"identifiers","type":{"type":"record","name":"Ids","fields":[
    {"name":"email","type":{"type":"array","items":"string"}},
    {"name":"gaid","type":["null","string"],"default":null}]}}]})";

// audience_id, audience_name?, op index, user_id?, ts?, emails, gaid?
std::string Membership(int32_t id, std::string_view audience, int op,
                       const std::vector<std::string>& emails, std::string_view gaid = "",
                       std::string_view user = "") {
  AvroBytes b = AvroBytes::Confluent(id);
  b.String(audience).Branch(1).String("VIP shoppers").Long(op);
  if (user.empty()) {
    b.Branch(0);
  } else {
    b.Branch(1).String(user);
  }
  b.Branch(1).Long(1732300000000).Strings(emails);
  if (gaid.empty()) {
    b.Branch(0);
  } else {
    b.Branch(1).String(gaid);
  }
  return b.bytes();
}

struct Fixture {
  RegistryStandIn registry;
  config::Config config;
  config::InputConfig input;
  std::vector<std::chrono::milliseconds> sleeps;

  Fixture() {
    registry.Add(7, kMembershipSchema);
    config.schema_registry.url = registry.url();
    config.schema_registry.max_retries = 3;
    config.schema_registry.retry_backoff = std::chrono::milliseconds(10);
    input.topic = "membership-avro";
    input.format = config::InputFormat::kAvro;
  }
  AvroDecoder Decoder() {
    return AvroDecoder(input, config, [this](std::chrono::milliseconds d) { sleeps.push_back(d); });
  }
};

TEST(AvroDecoder, NativeFieldNamesByDefault) {
  Fixture f;
  AvroDecoder decoder = f.Decoder();
  auto r = decoder.Decode("key-1", Membership(7, "vip", 0, {"ann@example.com", "a2@example.com"},
                                              "38400000-8cf0-11bd-b23e-10b96e40000d"));
  ASSERT_TRUE(r.ok()) << (r.rejected() ? r.error().detail : "skipped");
  EXPECT_EQ(r->audience_id, "vip");
  EXPECT_EQ(r->audience_name, "VIP shoppers");
  EXPECT_EQ(r->op, MembershipOp::kAdd);
  EXPECT_EQ(r->user_id, "key-1");  // a null union branch is absent: the key stands in
  EXPECT_EQ(r->ts_ms, 1732300000000);
  EXPECT_THAT(r->identifiers.email, ElementsAre("ann@example.com", "a2@example.com"));
  EXPECT_THAT(r->identifiers.gaid, ElementsAre("38400000-8cf0-11bd-b23e-10b96e40000d"));

  auto removed = decoder.Decode("", Membership(7, "vip", 1, {"ann@example.com"}, "", "u-9"));
  ASSERT_TRUE(removed.ok()) << (removed.rejected() ? removed.error().detail : "skipped");
  EXPECT_EQ(removed->op, MembershipOp::kRemove);
  EXPECT_EQ(removed->user_id, "u-9");
  EXPECT_EQ(f.registry.requests(), 1) << "the schema is cached by id";
}

TEST(AvroDecoder, MappingPointersReadTheRecord) {
  Fixture f;
  f.registry.Add(8, R"({"type":"record","name":"Crm","fields":[
    {"name":"segment","type":{"type":"record","name":"Seg","fields":[{"name":"id","type":"long"}]}},
    {"name":"joined","type":"boolean"},
    {"name":"emails","type":{"type":"map","values":"string"}}]})");
  f.input.mapping.audience_id = "/segment/id";
  f.input.mapping.member = "/joined";
  f.input.mapping.email = "/emails/work";
  AvroDecoder decoder = f.Decoder();
  AvroBytes b = AvroBytes::Confluent(8);
  b.Long(4711).Bool(false).Long(1).String("work").String("zoë@example.com").Long(0);
  auto r = decoder.Decode("k", b.bytes());
  ASSERT_TRUE(r.ok()) << (r.rejected() ? r.error().detail : "skipped");
  EXPECT_EQ(r->audience_id, "4711");
  EXPECT_EQ(r->op, MembershipOp::kRemove);
  EXPECT_THAT(r->identifiers.email, ElementsAre("zoë@example.com"));
}

TEST(AvroDecoder, UnknownSchemaIdIsRejectedAndRemembered) {
  Fixture f;
  AvroDecoder decoder = f.Decoder();
  for (int i = 0; i < 2; ++i) {
    auto r = decoder.Decode("k", Membership(99, "vip", 0, {"a@b.co"}));
    ASSERT_TRUE(r.rejected());
    EXPECT_EQ(r.error().code, DecodeErrc::kUnknownSchema);
    EXPECT_EQ(Reason(r.error().code), "unknown_schema");
  }
  EXPECT_EQ(f.registry.requests(), 1);
  EXPECT_TRUE(f.sleeps.empty()) << "a definite answer is not retried";
}

TEST(AvroDecoder, RegistryDownHoldsThenDecodes) {
  Fixture f;
  f.registry.UnavailableFor(5);
  AvroDecoder decoder = f.Decoder();
  auto r = decoder.Decode("k", Membership(7, "vip", 0, {"a@b.co"}));
  ASSERT_TRUE(r.ok()) << "held, then decoded: never dead-lettered for an unavailable registry";
  EXPECT_EQ(decoder.registry_failures(), 5u);
  ASSERT_EQ(f.sleeps.size(), 5u);
  EXPECT_EQ(f.sleeps[0], std::chrono::milliseconds(10));
  EXPECT_EQ(f.sleeps[1], std::chrono::milliseconds(20));  // doubling backoff
  EXPECT_EQ(f.registry.requests(), 6);
}

TEST(AvroDecoder, UnreachableRegistryHoldsUntilItIsBack) {
  Fixture f;
  f.config.schema_registry.request_timeout = std::chrono::milliseconds(500);
  f.registry.Stop();  // connection refused from now on
  size_t sleeps = 0;
  AvroDecoder decoder(f.input, f.config, [&](std::chrono::milliseconds) {
    ++sleeps;
    if (sleeps == 4) {
      ASSERT_TRUE(f.registry.Restart()) << "could not listen again on its port";
    }
    if (sleeps > 50) {  // the hold must end once the registry answers; never hang the suite
      ADD_FAILURE() << "still holding after the registry came back";
      std::abort();
    }
  });
  auto r = decoder.Decode("k", Membership(7, "vip", 0, {"a@b.co"}));
  ASSERT_TRUE(r.ok()) << "an unreachable registry must not turn into a rejection";
  EXPECT_EQ(decoder.registry_failures(), 4u);
  EXPECT_EQ(sleeps, 4u);
}

TEST(AvroDecoder, BadBytesAreRejected) {
  Fixture f;
  AvroDecoder decoder = f.Decoder();
  const std::string good = Membership(7, "vip", 0, {"a@b.co"});
  for (const std::string& bad :
       {std::string(), std::string("\x01\0\0\0\x07", 5), std::string("\0\0\0", 3),
        good.substr(0, good.size() - 2), std::string("{\"json\":1}")}) {
    auto r = decoder.Decode("k", bad);
    ASSERT_TRUE(r.rejected()) << bad.size();
    EXPECT_EQ(r.error().code, DecodeErrc::kMalformedAvro) << r.error().detail;
  }
  // A string whose length runs past the end of the message.
  AvroBytes overlong = AvroBytes::Confluent(7);
  overlong.Long(1'000'000'000).Raw("vip");
  auto r = decoder.Decode("k", overlong.bytes());
  ASSERT_TRUE(r.rejected());
  EXPECT_EQ(r.error().code, DecodeErrc::kMalformedAvro);
}

TEST(AvroDecoder, FieldRulesOfTheMappingApply) {
  Fixture f;
  AvroDecoder decoder = f.Decoder();
  auto empty_id = decoder.Decode("k", Membership(7, "", 0, {"a@b.co"}));
  ASSERT_TRUE(empty_id.rejected());
  EXPECT_EQ(empty_id.error().code, DecodeErrc::kMissingField);
  auto no_ids = decoder.Decode("k", Membership(7, "vip", 0, {}));
  ASSERT_TRUE(no_ids.rejected());
  EXPECT_EQ(no_ids.error().code, DecodeErrc::kNoIdentifiers);
  auto bad_utf8 = decoder.Decode("k", Membership(7, "vip", 0, {"\xff\xfe"}));
  ASSERT_TRUE(bad_utf8.rejected());
  EXPECT_EQ(bad_utf8.error().code, DecodeErrc::kInvalidUtf8);
}

TEST(AvroDecoder, NonRecordSchemaIsRejected) {
  Fixture f;
  f.registry.Add(3, R"("string")");
  AvroDecoder decoder = f.Decoder();
  AvroBytes b = AvroBytes::Confluent(3);
  b.String("hello");
  auto r = decoder.Decode("k", b.bytes());
  ASSERT_TRUE(r.rejected());
  EXPECT_EQ(r.error().code, DecodeErrc::kNotAnObject);
}

TEST(AvroDecoder, InvalidSchemaTextIsUnknownSchema) {
  Fixture f;
  f.registry.Add(4, R"({"type":"record","name":"Broken"})");
  AvroDecoder decoder = f.Decoder();
  auto r = decoder.Decode("k", Membership(4, "vip", 0, {"a@b.co"}));
  ASSERT_TRUE(r.rejected());
  EXPECT_EQ(r.error().code, DecodeErrc::kUnknownSchema);
}

TEST(AvroDecoder, UnicodeAndHugeValues) {
  Fixture f;
  AvroDecoder decoder = f.Decoder();
  std::vector<std::string> many;
  for (int i = 0; i < 5000; ++i) many.push_back("user" + std::to_string(i) + "@example.com");
  many.push_back(std::string(100000, 'x') + "@example.com");
  auto r = decoder.Decode("k", Membership(7, "günstig-😀", 0, many));
  ASSERT_TRUE(r.ok()) << (r.rejected() ? r.error().detail : "skipped");
  EXPECT_EQ(r->audience_id, "günstig-😀");
  EXPECT_EQ(r->identifiers.email.size(), 5001u);
  auto too_large = AvroDecoder(f.input,
                               [&] {
                                 config::Config small = f.config;
                                 small.kafka.max_message_bytes = 1024;
                                 return small;
                               }())
                       .Decode("k", Membership(7, "vip", 0, many));
  ASSERT_TRUE(too_large.rejected());
  EXPECT_EQ(too_large.error().code, DecodeErrc::kTooLarge);
}

}  // namespace
}  // namespace pinsync::decode

namespace pinsync::decode {
namespace {

// docs/events.md: the schema shown for records shaped like the native event needs no mapping.
TEST(AvroDecoder, DocumentedSchemaNeedsNoMapping) {
  std::ifstream in(std::string(PINSYNC_SOURCE_DIR) + "/docs/events.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string open = "```json avro-schema\n";
  const size_t start = doc.find(open);
  ASSERT_NE(start, std::string::npos) << "docs/events.md lacks the avro-schema example";
  const size_t end = doc.find("```", start + open.size());
  Fixture f;
  f.registry.Add(21, doc.substr(start + open.size(), end - start - open.size()));
  AvroDecoder decoder = f.Decoder();
  auto r = decoder.Decode("k", Membership(21, "vip", 1, {"ann@example.com"}));
  ASSERT_TRUE(r.ok()) << (r.rejected() ? r.error().detail : "skipped");
  EXPECT_EQ(r->audience_id, "vip");
  EXPECT_EQ(r->op, MembershipOp::kRemove);
}

}  // namespace
}  // namespace pinsync::decode

namespace pinsync::decode {
namespace {

TEST(SchemaRegistryClient, ErrorsNeverShowCredentialsFromTheUrl) {
  config::SchemaRegistryConfig c;
  c.url = "http://user:s3cret-pw@127.0.0.1:1";
  c.request_timeout = std::chrono::milliseconds(300);
  SchemaRegistryClient client(c);
  auto r = client.FetchSchema(1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, RegistryError::Kind::kUnavailable);
  EXPECT_EQ(r.error().message.find("s3cret-pw"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("<credentials>@127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::decode
