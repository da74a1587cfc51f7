// EventDecoder's two JSON readers must agree (src/decode/simdjson_event_reader.h): whatever a
// value is, decoding it with simdjson first gives exactly what the RapidJSON reference alone
// gives, the same event or the same error. The cases are the edges where two JSON parsers
// differ (numbers, escapes, nesting, duplicates, stray bytes) and every rule of the contract;
// decoder_fuzz checks the same on arbitrary bytes. The fast reader must also really be the one
// that reads ordinary events, and must decline the values it leaves to the reference.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pinsync/decode/event_decoder.h"
#include "simdjson_event_reader.h"

namespace pinsync::decode {
namespace {

const std::string kIds = R"("identifiers":{"email":"a@example.com"})";

// Wraps members into an event that is valid apart from them.
std::string Event(const std::string& members) {
  return R"({"audience_id":"vip","op":"add",)" + members + "}";
}

std::string Nested(size_t depth) {
  return Event(R"("extra":)" + std::string(depth, '[') + std::string(depth, ']') + "," + kIds);
}

std::vector<std::string> EdgeCases() {
  std::vector<std::string> cases = {
      // Ordinary events.
      Event(kIds),
      R"({"audience_id":"vip","audience_name":"VIP","op":"remove","user_id":"u1","ts":17,)"
      R"("identifiers":{"email":["a@x.io","b@x.io"],"idfa":"6D92078A-8246-4BA4-AE5B-76104861E7DC",)"
      R"("gaid":"38400000-8cf0-11bd-b23e-10b96e40000d","email_sha256":"ab","maid_sha256":"cd"}})",
      "  \n\t" + Event(kIds) + " \r\n ",
      // Numbers at the edges of the integer types, and ones that are not integers.
      Event(R"("ts":0,)" + kIds),
      Event(R"("ts":-0,)" + kIds),
      Event(R"("ts":-1,)" + kIds),
      Event(R"("ts":9223372036854775807,)" + kIds),
      Event(R"("ts":9223372036854775808,)" + kIds),
      Event(R"("ts":18446744073709551615,)" + kIds),
      Event(R"("ts":18446744073709551616,)" + kIds),
      Event(R"("ts":-9223372036854775808,)" + kIds),
      Event(R"("ts":-9223372036854775809,)" + kIds),
      Event(R"("ts":1.0,)" + kIds),
      Event(R"("ts":1e3,)" + kIds),
      Event(R"("ts":1e400,)" + kIds),
      Event(R"("ts":1e-400,)" + kIds),
      Event(R"("ts":-0.0,)" + kIds),
      Event(R"("ts":01,)" + kIds),
      Event(R"("ts":1.,)" + kIds),
      Event(R"("ts":0e400,)" + kIds),
      Event(R"("x":0e400,)" + kIds),
      Event(R"("x":[{"y":-0.0E+999}],)" + kIds),
      "0e101111",
      "0e1111",
      "-0.0e400",
      Event(R"("ts":.5,)" + kIds),
      Event(R"("ts":"17",)" + kIds),
      Event(R"("ts":true,)" + kIds),
      Event(R"("ts":null,)" + kIds),
      Event(R"("ts":[1],)" + kIds),
      // Escapes: valid ones, a surrogate pair, lone surrogates, bad escapes, escaped NUL.
      Event(R"("user_id":"a\"b\\c\/d\b\f\n\r\t",)" + kIds),
      Event(R"("user_id":"\u00e9\u4e2d\ud83d\ude00",)" + kIds),
      Event(R"("user_id":"\ud800",)" + kIds),
      Event(R"("user_id":"\udc00",)" + kIds),
      Event(R"("identifiers":{"email":"\ud800@x.io"})"),
      Event(R"("identifiers":{"email":["ok@x.io","\udfff"]})"),
      Event(R"("other":"\ud800",)" + kIds),
      Event(R"("user_id":"\x",)" + kIds),
      Event(R"("user_id":"\u12",)" + kIds),
      Event(R"("user_id":"a\u0000b",)" + kIds),
      R"({"audience_id":"v\u0069p","op":"\u0061dd",)" + kIds + "}",
      // Raw bytes: UTF-8 of every length, invalid UTF-8, control characters, DEL, NUL.
      Event("\"user_id\":\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"," + kIds),
      Event("\"user_id\":\"\xc3\"," + kIds),
      Event("\"user_id\":\"\xed\xa0\x80\"," + kIds),
      Event("\"user_id\":\"\xc0\xaf\"," + kIds),
      Event("\"user_id\":\"a\x01\"," + kIds),
      Event("\"user_id\":\"a\tb\"," + kIds),
      Event("\"user_id\":\"a\x7f\"," + kIds),
      Event("\"other\":\"\xff\"," + kIds),
      std::string(Event(kIds)).append(1, '\0'),
      Event(std::string("\"user_id\":\"a\0b\",", 15) + kIds),
      "\xef\xbb\xbf" + Event(kIds),
      // Structure: trailing content, missing pieces, other roots.
      Event(kIds) + " x",
      Event(kIds) + "{}",
      Event(kIds) + ",",
      "{" + kIds + ",}",
      R"({"audience_id":"vip" "op":"add",)" + kIds + "}",
      R"({"audience_id":"vip",)",
      R"({"audience_id" "vip"})",
      "",
      "   ",
      "null",
      "17",
      R"("text")",
      "[]",
      "[" + Event(kIds) + "]",
      "{}",
      "{",
      "}",
      "nul",
      "tru",
      Event(R"("x":tru,)" + kIds),
      // Nesting at and past the bound, in skipped members and under identifiers.
      Nested(kMaxNestingDepth - 2),
      Nested(kMaxNestingDepth - 1),
      Nested(kMaxNestingDepth),
      Nested(kMaxNestingDepth + 1),
      Event(R"("identifiers":{"email":[[["a@x.io"]]],"x":{"y":{"z":[1,{"w":null}]}}})"),
      // Repeated members and kinds: the last wins, a repeated "identifiers" replaces the first.
      Event(R"("op":"remove","op":"add",)" + kIds),
      R"({"audience_id":"a","audience_id":"b","op":"add",)" + kIds + "}",
      Event(R"("identifiers":{"email":"a@x.io"},"identifiers":{"gaid":"g1"})"),
      Event(R"("identifiers":{"email":"a@x.io","email":["b@x.io","c@x.io"]})"),
      Event(R"("identifiers":{"email":5},"identifiers":{"email":"a@x.io"})"),
      Event(R"("identifiers":{"email":"a@x.io"},"identifiers":null)"),
      Event(R"("identifiers":{"email":"a@x.io"},"identifiers":7)"),
      // Every rule of the contract.
      R"({"op":"add",)" + kIds + "}",
      R"({"audience_id":"","op":"add",)" + kIds + "}",
      R"({"audience_id":5,"op":"add",)" + kIds + "}",
      R"({"audience_id":"vip",)" + kIds + "}",
      R"({"audience_id":"vip","op":"ADD",)" + kIds + "}",
      R"({"audience_id":"vip","op":1,)" + kIds + "}",
      Event(R"("user_id":5,)" + kIds),
      Event(R"("user_id":"",)" + kIds),
      Event(R"("audience_name":["x"],)" + kIds),
      Event(R"("audience_name":"",)" + kIds),
      Event(R"("identifiers":[])"),
      Event(R"("identifiers":{})"),
      Event(R"("identifiers":{"email":""})"),
      Event(R"("identifiers":{"email":[""]})"),
      Event(R"("identifiers":{"email":null})"),
      Event(R"("identifiers":{"email":true})"),
      Event(R"("identifiers":{"email":{"a":1}})"),
      Event(R"("identifiers":{"email":["a@x.io",1,"b@x.io"]})"),
      Event(R"("identifiers":{"email":[1],"gaid":{}})"),
      Event(R"("identifiers":{"phone":"555","gaid":"g1"})"),
      Event(R"("identifiers":{"phone":[1,{}],"gaid":"g1"})"),
  };
  // Around the fast reader's size limit: the reference reads the larger ones.
  for (size_t size :
       {kSimdjsonReaderMaxBytes - 1, kSimdjsonReaderMaxBytes, kSimdjsonReaderMaxBytes + 1}) {
    std::string value = Event(R"("pad":"",)" + kIds);
    value.insert(value.find(R"("",)") + 1, size - value.size(), 'p');
    cases.push_back(value);
  }
  return cases;
}

// The seed corpus of decoder_fuzz, whose inputs were picked for these edges too.
std::vector<std::string> FuzzCorpus() {
  std::vector<std::string> values;
  for (const auto& entry : std::filesystem::directory_iterator(PINSYNC_DECODER_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    values.push_back(bytes.str());
  }
  return values;
}

std::string Describe(const Status<DecodeError>& status, const MembershipEvent& e) {
  if (!status.ok()) {
    return "error " + std::string(Reason(status.error().code)) + ": " + status.error().detail;
  }
  std::string out = "event " + e.audience_id + "|" + e.audience_name + "|" + e.user_id + "|" +
                    (e.op == MembershipOp::kAdd ? "add" : "remove") + "|" +
                    (e.ts_ms ? std::to_string(*e.ts_ms) : "-");
  const RawIdentifiers& ids = e.identifiers;
  for (const auto* list : {&ids.email, &ids.idfa, &ids.gaid, &ids.email_sha256, &ids.maid_sha256}) {
    out += "|";
    for (const auto& id : *list) out += id + ",";
  }
  return out;
}

void ExpectSameOutcome(const std::string& value, const std::string& key) {
  const EventDecoder fast;
  const EventDecoder reference(kDefaultMaxMessageBytes, nullptr, JsonParsers::kRapidJsonOnly);
  MembershipEvent fast_event;
  MembershipEvent reference_event;
  const auto fast_status = fast.DecodeInto(key, value, fast_event);
  const auto reference_status = reference.DecodeInto(key, value, reference_event);
  EXPECT_EQ(Describe(fast_status, fast_event), Describe(reference_status, reference_event))
      << "value (" << value.size() << " bytes): " << value.substr(0, 200);
}

TEST(EventReaderParityTest, BothReadersGiveTheSameResultOnEveryEdgeCase) {
  for (const std::string& value : EdgeCases()) {
    ExpectSameOutcome(value, "user-key");
    ExpectSameOutcome(value, "");
  }
}

TEST(EventReaderParityTest, BothReadersGiveTheSameResultOnTheFuzzCorpus) {
  const auto corpus = FuzzCorpus();
  ASSERT_GE(corpus.size(), 10u);
  for (const std::string& value : corpus) ExpectSameOutcome(value, "user-key");
}

// Accepted: the fast reader is the one that reads ordinary events, and what it reads is right.
TEST(EventReaderParityTest, SimdjsonReadsOrdinaryEvents) {
  RawIdentifiers raw;
  EventFields fields;
  ASSERT_TRUE(ReadEventFieldsWithSimdjson(
      R"({"audience_id":"vip","op":"remove","ts":17,"x":{"y":[1,2]},)"
      R"("identifiers":{"email":["a@x.io","b@x.io"],"gaid":"g1","phone":"5"}})",
      raw, fields));
  EXPECT_TRUE(fields.root_is_object);
  EXPECT_EQ(fields.audience_id.text, "vip");
  EXPECT_EQ(fields.op.text, "remove");
  EXPECT_EQ(fields.ts.kind, ScalarField::Kind::kNonNegativeInt);
  EXPECT_EQ(fields.ts.number, 17);
  EXPECT_FALSE(fields.user_id.present());
  EXPECT_EQ(fields.identifiers, EventFields::Identifiers::kObject);
  EXPECT_EQ(raw.email, (std::vector<std::string>{"a@x.io", "b@x.io"}));
  EXPECT_EQ(raw.gaid, (std::vector<std::string>{"g1"}));
  EXPECT_EQ(raw.size(), 3u);
  EXPECT_FALSE(fields.identifiers_error);
}

// Declined: what simdjson rejects, and what is over the size limit, is left to the reference.
TEST(EventReaderParityTest, SimdjsonDeclinesWhatItRejects) {
  for (const std::string& value :
       {Event(R"("user_id":"\udc00",)" + kIds), Event(R"("ts":1e400,)" + kIds),
        Event(R"("ts":1.5,)" + kIds), Event(R"("x":{"y":[0e400]},)" + kIds), std::string("0e1111"),
        Event(R"("ts":18446744073709551616,)" + kIds), Event("\"user_id\":\"\xc3\"," + kIds),
        "\xef\xbb\xbf" + Event(kIds), Event(kIds) + " x", Nested(kMaxNestingDepth + 1),
        std::string(), std::string(kSimdjsonReaderMaxBytes + 1, ' ') + Event(kIds)}) {
    RawIdentifiers raw;
    EventFields fields;
    EXPECT_FALSE(ReadEventFieldsWithSimdjson(value, raw, fields)) << value.substr(0, 200);
  }
}

}  // namespace
}  // namespace pinsync::decode
