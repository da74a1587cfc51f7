// The stream in the Segment and Avro formats, replayed through pinsync's own decoders (the avro
// one fetching its schema from the demo's registry over loopback) and normalizer: every valid
// message rebuilds the ground truth, every malformed one fails with its expected reason, and the
// identify calls about other traits are skipped.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/decoder_set.h"
#include "pinsync/demo/membership_stream.h"
#include "pinsync/demo/schema_registry_server.h"
#include "pinsync/identity/identifier_normalizer.h"

namespace pinsync::demo {
namespace {

constexpr char kTopic[] = "events";

struct Replay {
  size_t malformed = 0;
  size_t skipped = 0;
  std::map<ListId, std::set<std::string>> rebuilt;
};

// Decodes every message of `stream` as `format` and rebuilds the membership it carries.
void ReplayThrough(MembershipStream& stream, const config::Config& cfg, Replay& replay) {
  decode::DecoderSet decoders(cfg);
  identity::IdentifierNormalizer normalizer;
  while (auto message = stream.Next()) {
    auto event = decoders.Decode(kTopic, message->key, message->value);
    if (message->expected_reason) {
      ++replay.malformed;
      if (event.ok()) {
        auto ids = normalizer.Normalize(event->identifiers);
        ASSERT_TRUE(ids.empty());
        EXPECT_EQ(ids.FirstInvalidReason(), *message->expected_reason);
      } else {
        ASSERT_TRUE(event.rejected()) << *message->expected_reason;
        EXPECT_EQ(decode::Reason(event.error().code), *message->expected_reason)
            << event.error().detail;
      }
      continue;
    }
    if (event.skipped()) {
      ++replay.skipped;
      continue;
    }
    ASSERT_TRUE(event.ok()) << (event.rejected() ? event.error().detail : "skipped");
    auto ids = normalizer.Normalize(event->identifiers);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.invalid_email + ids.invalid_maid + ids.invalid_hash, 0u);
    for (ListType type : {ListType::kEmail, ListType::kMaid}) {
      for (const HashedId& id : ids.For(type)) {
        auto& members = replay.rebuilt[{event->audience_id, type}];
        if (event->op == MembershipOp::kAdd) {
          members.insert(id.Hex());
        } else {
          members.erase(id.Hex());
        }
      }
    }
  }
}

void ExpectTruthRebuilt(const MembershipStream& stream, Replay& replay, size_t reasons) {
  EXPECT_GT(replay.malformed, 100u);
  EXPECT_EQ(replay.malformed, stream.malformed());
  EXPECT_EQ(stream.expected_dead_letters().size(), reasons) << "every kind of malformed message";
  size_t lists_with_members = 0;
  for (const auto& [list, truth] : stream.truth()) {
    EXPECT_EQ(replay.rebuilt[list], truth.members) << list.first << " " << ToString(list.second);
    lists_with_members += truth.members.empty() ? 0 : 1;
  }
  EXPECT_EQ(lists_with_members, 10u) << "5 audiences x EMAIL and MAID";
}

config::Config ReadAs(config::InputFormat format) {
  config::Config cfg;
  config::InputConfig input;
  input.topic = kTopic;
  input.format = format;
  cfg.inputs = {input};
  return cfg;
}

TEST(StreamFormatsTest, SegmentCallsCarryTheTruth) {
  MembershipStream stream({.events = 4000,
                           .audiences = 5,
                           .seed = 3,
                           .malformed_share = 0.05,
                           .format = EventFormat::kSegment});
  EXPECT_EQ(stream.audiences()[0].name, "vip_shoppers") << "Engage names audiences by key";
  Replay replay;
  ReplayThrough(stream, ReadAs(config::InputFormat::kSegment), replay);
  ExpectTruthRebuilt(stream, replay, 7);
  EXPECT_GT(replay.skipped, 0u);
  EXPECT_EQ(replay.skipped, stream.expected_skips());
}

TEST(StreamFormatsTest, AvroRecordsCarryTheTruth) {
  auto registry = SchemaRegistryServer::Start();
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  auto id = RegisterSchema((*registry)->url(), "events-value", MembershipAvroSchema());
  ASSERT_TRUE(id.ok()) << id.error().message;
  MembershipStream stream({.events = 4000,
                           .audiences = 5,
                           .seed = 3,
                           .malformed_share = 0.05,
                           .format = EventFormat::kAvro,
                           .avro_schema_id = *id});
  config::Config cfg = ReadAs(config::InputFormat::kAvro);
  cfg.schema_registry.url = (*registry)->url();
  cfg.schema_registry.max_retries = 1;
  Replay replay;
  ReplayThrough(stream, cfg, replay);
  // malformed_avro twice (a cut datum, no wire-format header), unknown_schema, and the rest.
  ExpectTruthRebuilt(stream, replay, 6);
  EXPECT_EQ(replay.skipped, 0u);
}

TEST(StreamFormatsTest, NativeStreamIsUnchangedByTheFormats) {
  // The benchmarks and tests that pin figures to a seed keep their stream.
  MembershipStream stream({.events = 3, .seed = 42});
  auto first = stream.Next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->value.front(), '{');
  EXPECT_THAT(first->value, ::testing::HasSubstr("\"op\":"));
  EXPECT_EQ(stream.expected_skips(), 0u);
}

TEST(StreamFormatsTest, FormatNamesRoundTrip) {
  for (EventFormat format : {EventFormat::kNative, EventFormat::kSegment, EventFormat::kAvro}) {
    EXPECT_EQ(ParseEventFormat(ToString(format)), format);
  }
  EXPECT_EQ(ParseEventFormat("mapped"), std::nullopt) << "the demo publishes no mapped JSON";
  EXPECT_EQ(ParseEventFormat("AVRO"), std::nullopt);
}

TEST(SchemaRegistryServerTest, RegistersOnceAndServesById) {
  auto registry = SchemaRegistryServer::Start();
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  const std::string url = (*registry)->url();
  EXPECT_THAT(url, ::testing::StartsWith("http://127.0.0.1:"));
  auto first = RegisterSchema(url, "a-value", R"({"type":"string"})");
  auto again = RegisterSchema(url, "b-value", R"({"type":"string"})");
  auto other = RegisterSchema(url, "a-value", MembershipAvroSchema());
  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(*again, 1) << "the same schema keeps its id";
  EXPECT_EQ(*other, 2);

  // pinsync's own registry client reads what was registered, and gets 404 for other ids.
  config::SchemaRegistryConfig client_config;
  client_config.url = url;
  decode::SchemaRegistryClient client(client_config);
  auto schema = client.FetchSchema(*other);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(*schema, MembershipAvroSchema());
  auto unknown = client.FetchSchema(99);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, decode::RegistryError::Kind::kUnknownSchema);

  auto refused = RegisterSchema(url, "a-value", "{not json");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("HTTP 422"));
}

}  // namespace
}  // namespace pinsync::demo
