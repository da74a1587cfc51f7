// DecoderSet: the decoder is chosen by topic, and every outcome (event, rejection, skip) is
// counted once in the decoder metrics.

#include "pinsync/decode/decoder_set.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "two_topics_config.h"

namespace pinsync::decode {
namespace {

constexpr std::string_view kNative =
    R"({"audience_id":"vip","op":"add","identifiers":{"email":"a@example.com"}})";
constexpr std::string_view kSegmentPlainIdentify =
    R"({"type":"identify","userId":"u1","traits":{"email":"a@example.com","plan":"pro"}})";

double Value(prometheus::Counter* c) { return c->Value(); }

TEST(DecoderSet, KafkaTopicsAreNative) {
  DecoderSet set(TwoTopicsConfig());
  auto r = set.Decode("membership", "u1", kNative);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->audience_id, "vip");
}

TEST(DecoderSet, InputTopicsUseTheirFormat) {
  DecoderSet set(TwoTopicsConfig());
  // A native event on the segment topic has no "type": rejected by the segment decoder.
  auto native_on_segment = set.Decode("engage", "u1", kNative);
  ASSERT_TRUE(native_on_segment.rejected());
  EXPECT_EQ(native_on_segment.error().code, DecodeErrc::kMissingField);
  // A plain identify is skipped on the segment topic, rejected on a native one.
  EXPECT_TRUE(set.Decode("engage", "u1", kSegmentPlainIdentify).skipped());
  EXPECT_TRUE(set.Decode("membership", "u1", kSegmentPlainIdentify).rejected());
}

TEST(DecoderSet, UnknownTopicIsReadAsNative) {
  DecoderSet set(TwoTopicsConfig());
  EXPECT_TRUE(set.Decode("elsewhere", "u1", kNative).ok());
}

TEST(DecoderSet, CountsEachOutcomeOnce) {
  prometheus::Registry registry;
  DecoderStats stats = DecoderStats::Create(registry);
  DecoderSet set(TwoTopicsConfig(), &stats);
  (void)set.Decode("membership", "u1", kNative);
  (void)set.Decode("engage", "u1", kSegmentPlainIdentify);
  (void)set.Decode("engage", "u1", kSegmentPlainIdentify);
  (void)set.Decode("membership", "u1", "not json");
  stats.Publish();
  EXPECT_EQ(stats.decoded.Value(), 1);
  EXPECT_EQ(Value(stats.skipped[static_cast<size_t>(SkipReason::kNoAudienceTrait)]), 2);
  EXPECT_EQ(Value(stats.rejected[static_cast<size_t>(DecodeErrc::kMalformedJson)]), 1);
}

TEST(DecoderSet, SkipReasonsHaveStableNames) {
  EXPECT_EQ(Reason(SkipReason::kNoAudienceTrait), "no_audience_trait");
  EXPECT_EQ(Reason(SkipReason::kNotAnAudienceEvent), "not_an_audience_event");
  EXPECT_EQ(Reason(SkipReason::kOtherCallType), "other_call_type");
}

TEST(ConsumedTopics, AddsInputTopicsOnce) {
  config::Config c = TwoTopicsConfig();
  config::InputConfig again;
  again.topic = "membership";
  c.inputs.push_back(again);
  EXPECT_EQ(c.ConsumedTopics(), (std::vector<std::string>{"membership", "engage"}));
}

}  // namespace
}  // namespace pinsync::decode
