// docs/events.md and docs/event.schema.json are the published contract: their examples must be
// accepted by the decoder and the schema, and every reason string must be documented.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include "pinsync/decode/event_decoder.h"

namespace pinsync::decode {
namespace {

std::string ReadDoc(const std::string& relative) {
  std::ifstream in(std::string(PINSYNC_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << "cannot read " << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The bodies of the ```json fenced blocks, in order.
std::vector<std::string> JsonExamples(const std::string& markdown) {
  std::vector<std::string> blocks;
  const std::string open = "```json\n";
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

TEST(DocsContract, EveryEventsMdExampleDecodes) {
  const auto examples = JsonExamples(ReadDoc("docs/events.md"));
  ASSERT_GE(examples.size(), 3u);
  EventDecoder decoder;
  for (const auto& example : examples) {
    auto result = decoder.Decode("u-17", example);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail) << "\n" << example;
  }
}

TEST(DocsContract, EveryDecodeReasonIsDocumented) {
  const std::string doc = ReadDoc("docs/events.md");
  for (auto code : kAllDecodeErrcs) {
    const std::string row = "| `" + std::string(Reason(code)) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/events.md lacks a row for " << row;
  }
}

class SchemaExamples : public ::testing::Test {
 protected:
  void SetUp() override {
    rapidjson::Document schema_json;
    schema_json.Parse(ReadDoc("docs/event.schema.json").c_str());
    ASSERT_FALSE(schema_json.HasParseError()) << "docs/event.schema.json is not JSON";
    schema_ = std::make_unique<rapidjson::SchemaDocument>(schema_json);
  }
  bool Valid(const std::string& event) {
    rapidjson::Document doc;
    doc.Parse(event.c_str());
    EXPECT_FALSE(doc.HasParseError()) << event;
    rapidjson::SchemaValidator validator(*schema_);
    return doc.Accept(validator);
  }
  std::unique_ptr<rapidjson::SchemaDocument> schema_;
};

TEST_F(SchemaExamples, EveryEventsMdExampleMatchesTheSchema) {
  for (const auto& example : JsonExamples(ReadDoc("docs/events.md"))) {
    EXPECT_TRUE(Valid(example)) << example;
  }
}

TEST_F(SchemaExamples, SchemaRejectsWhatTheDecoderRejects) {
  // RapidJSON's validator is draft-04, so this covers the schema's draft-04 keywords only.
  EventDecoder decoder;
  for (const std::string bad : {
           R"({"op":"add","identifiers":{"email":"x"}})",
           R"({"audience_id":"","op":"add","identifiers":{"email":"x"}})",
           R"({"audience_id":"a","op":"ADD","identifiers":{"email":"x"}})",
           R"({"audience_id":"a","op":"add","ts":1.5,"identifiers":{"email":"x"}})",
           R"({"audience_id":"a","op":"add","ts":-3,"identifiers":{"email":"x"}})",
           R"({"audience_id":"a","op":"add","identifiers":{"email":[1]}})",
           R"({"audience_id":"a","op":"add","identifiers":{"email":""}})",
           R"({"audience_id":"a","op":"add","identifiers":{"phone":"x"}})",
           R"({"audience_id":"a","op":"add"})",
           R"(["not an object"])",
       }) {
    EXPECT_FALSE(Valid(bad)) << bad;
    EXPECT_FALSE(decoder.Decode("k", bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace pinsync::decode
