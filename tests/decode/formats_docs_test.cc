// docs/events.md, "Other formats": every Segment and mapped example decodes as the page says,
// with the mapping the page shows, and every skip reason is documented.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pinsync/config/load.h"
#include "pinsync/decode/decoder_set.h"

namespace pinsync::decode {
namespace {

std::string EventsDoc() {
  std::ifstream in(std::string(PINSYNC_SOURCE_DIR) + "/docs/events.md");
  EXPECT_TRUE(in.good()) << "cannot read docs/events.md";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The bodies of the fenced blocks whose info string is exactly `info`, in order.
std::vector<std::string> Blocks(const std::string& markdown, const std::string& info) {
  std::vector<std::string> blocks;
  const std::string open = "```" + info + "\n";
  size_t pos = 0;
  while ((pos = markdown.find(open, pos)) != std::string::npos) {
    pos += open.size();
    const size_t end = markdown.find("```", pos);
    if (end == std::string::npos) break;
    blocks.push_back(markdown.substr(pos, end - pos));
    pos = end + 3;
  }
  return blocks;
}

std::unique_ptr<MessageDecoder> Decoder(const config::InputConfig& input) {
  return MakeDecoder(input, config::Config{});
}

TEST(FormatsDocs, SegmentExamplesDecode) {
  const auto examples = Blocks(EventsDoc(), "json segment");
  ASSERT_EQ(examples.size(), 2u) << "an identify and a track example";
  config::InputConfig input;
  input.topic = "engage";
  input.format = config::InputFormat::kSegment;
  auto decoder = Decoder(input);
  auto entered = decoder->Decode("k", examples[0]);
  ASSERT_TRUE(entered.ok()) << (entered.rejected() ? entered.error().detail : "skipped");
  EXPECT_EQ(entered->op, MembershipOp::kAdd);
  EXPECT_EQ(entered->audience_id, "aud_2Nq4Lr1");
  EXPECT_EQ(entered->audience_name, "first_time_shopper");
  EXPECT_EQ(entered->user_id, "u123");
  EXPECT_EQ(entered->identifiers.idfa.size(), 1u);
  auto exited = decoder->Decode("k", examples[1]);
  ASSERT_TRUE(exited.ok()) << (exited.rejected() ? exited.error().detail : "skipped");
  EXPECT_EQ(exited->op, MembershipOp::kRemove);
  EXPECT_EQ(exited->audience_id, entered->audience_id);

  const auto skipped = Blocks(EventsDoc(), "json segment-skipped");
  ASSERT_EQ(skipped.size(), 1u);
  auto plain = decoder->Decode("k", skipped[0]);
  ASSERT_TRUE(plain.skipped());
  EXPECT_EQ(plain.skip_reason(), SkipReason::kNoAudienceTrait);
}

TEST(FormatsDocs, MappedExampleDecodesWithTheDocumentedMapping) {
  const std::string doc = EventsDoc();
  const auto configs = Blocks(doc, "yaml mapped-config");
  ASSERT_EQ(configs.size(), 1u);
  auto config = config::LoadConfigString(
      "kafka:\n  bootstrap_servers: localhost:9092\n  topics: [membership]\n"
      "pinterest:\n  ad_account_id: \"549755885175\"\n" +
          configs[0],
      "docs/events.md", {{"PINTEREST_ACCESS_TOKEN", "pina_DOCS"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->inputs.size(), 1u);
  const auto examples = Blocks(doc, "json mapped");
  ASSERT_EQ(examples.size(), 1u);
  auto event = MakeDecoder(config->inputs[0], *config)->Decode("k", examples[0]);
  ASSERT_TRUE(event.ok()) << (event.rejected() ? event.error().detail : "skipped");
  EXPECT_EQ(event->audience_id, "4711");
  EXPECT_EQ(event->audience_name, "Gold tier");
  EXPECT_EQ(event->user_id, "c-9");
  EXPECT_EQ(event->op, MembershipOp::kAdd);
  EXPECT_EQ(event->ts_ms, 1732300000000);
  EXPECT_EQ(event->identifiers.email.size(), 1u);
  EXPECT_EQ(event->identifiers.idfa.size(), 1u);
}

TEST(FormatsDocs, EverySkipReasonIsDocumented) {
  const std::string doc = EventsDoc();
  for (SkipReason reason : kAllSkipReasons) {
    const std::string row = "| `" + std::string(Reason(reason)) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/events.md lacks a row for " << row;
  }
}

}  // namespace
}  // namespace pinsync::decode
