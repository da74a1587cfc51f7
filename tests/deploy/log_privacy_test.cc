// The log of a real `pinsync run` in both logging formats: with logging.format json every line
// is one JSON object with time, level and message, the start-up event carries the effective
// configuration as an object; and in either format no identifier, no hash of one, no Kafka key
// and no token reaches the log, though events with emails and mobile ad ids went through to
// Pinterest (the sandbox) and a malformed one was skipped.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "command.h"
#include "pinsync/kafka/event_producer.h"
#include "running_pinsync.h"

namespace pinsync::deploy_test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr int kUsers = 12;

std::string Email(int i) { return "Privacy.User" + std::to_string(i) + "@Example.com"; }
std::string Idfa(int i) {
  char text[40];
  std::snprintf(text, sizeof text, "6D92078A-8246-4BA4-AE5B-%012d", 761048 + i);
  return text;
}
std::string Key(int i) { return "user-key-" + std::to_string(9000 + i); }

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}
std::string Sha256Hex(const std::string& text) {
  CommandResult r = RunShell("printf %s " + ShellQuote(text) + " | sha256sum");
  return r.output.substr(0, 64);
}

class LogPrivacyTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pinsync-logs-" + GetParam() + "-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_P(LogPrivacyTest, NoIdentifierHashKeyOrTokenReachesTheLog) {
  const std::string token = "pina_logPRIVACYtoken77";
  RunningPinsync pinsync;
  ASSERT_NO_FATAL_FAILURE(pinsync.Start(
      dir_, "logging:\n  level: debug\n  format: " + GetParam() + "\nbatching:\n  max_age: 1s\n",
      token, /*quick_handoff=*/true));

  auto producer = kafka::EventProducer::Create(pinsync.bootstrap());
  ASSERT_TRUE(producer.ok()) << producer.error().message;
  for (int i = 0; i < kUsers; ++i) {
    const std::string event = R"({"audience_id":"vip","audience_name":"VIP","op":"add",)"
                              R"("identifiers":{"email":[")" +
                              Email(i) + R"("],"idfa":")" + Idfa(i) + R"("}})";
    ASSERT_TRUE((*producer)->Produce(RunningPinsync::kTopic, Key(i), event).ok());
  }
  // Malformed: its email is invalid, and its body is not even JSON.
  ASSERT_TRUE((*producer)
                  ->Produce(RunningPinsync::kTopic, Key(kUsers),
                            R"({"audience_id":"vip","audience_name":"VIP","op":"add",)"
                            R"("identifiers":{"email":["broken.address.ALICE"]}})")
                  .ok());
  ASSERT_TRUE((*producer)
                  ->Produce(RunningPinsync::kTopic, Key(kUsers + 1), "{not json: bob@example.org")
                  .ok());
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(10)).ok());

  // Bounded wait until Pinterest (the sandbox) acknowledged every email and every IDFA.
  const double added =
      pinsync.WaitForCounter("pinsync_pinterest_records_added_total", 2 * kUsers, seconds(90));
  EXPECT_GE(added, 2 * kUsers) << pinsync.run().Output();
  const auto code = pinsync.Stop();
  ASSERT_TRUE(code) << "pinsync still running 30 s after SIGTERM";
  EXPECT_EQ(*code, 0);
  const std::string log = pinsync.run().Output();
  ASSERT_GT(log.size(), 0u);

  std::vector<std::string> secrets = {token, "broken.address.ALICE", "broken.address.alice",
                                      "bob@example.org"};
  for (int i = 0; i <= kUsers + 1; ++i) {
    secrets.push_back(Key(i));
    if (i >= kUsers) continue;
    for (const std::string& plain : {Email(i), Lower(Email(i)), Idfa(i), Lower(Idfa(i))}) {
      secrets.push_back(plain);
      secrets.push_back(Sha256Hex(plain));
    }
  }
  for (const std::string& secret : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "\"" << secret << "\" is in the log";
  }
  // Hex digests of any identifier at all: no 64-hex-digit run in the log.
  EXPECT_FALSE(std::regex_search(log, std::regex("[0-9a-fA-F]{64}"))) << log;

  if (GetParam() != "json") return;
  int lines = 0;
  bool startup = false;
  bool batch_fields = false;  // a delivery line names its batch, audience and list
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    ++lines;
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << "not a JSON line: " << line;
    ASSERT_TRUE(doc.IsObject()) << line;
    for (const char* key : {"time", "level", "message"}) {
      EXPECT_TRUE(doc.HasMember(key) && doc[key].IsString()) << key << " missing: " << line;
    }
    if (doc.HasMember("batch") && doc.HasMember("audience") && doc.HasMember("list_type")) {
      batch_fields = true;
      EXPECT_STREQ(doc["audience"].GetString(), "vip") << line;
    }
    if (doc.HasMember("event") && std::string(doc["event"].GetString()) == "startup") {
      startup = true;
      ASSERT_TRUE(doc.HasMember("config") && doc["config"].IsObject()) << line;
      EXPECT_STREQ(doc["config"]["pinterest"]["access_token"].GetString(), "<redacted>");
      EXPECT_STREQ(doc["config"]["logging"]["format"].GetString(), "json");
    }
  }
  EXPECT_GT(lines, 5);
  EXPECT_TRUE(startup) << "no start-up event with the configuration";
  EXPECT_TRUE(batch_fields) << "no line with the structured fields of a batch:\n" << log;
}

INSTANTIATE_TEST_SUITE_P(BothFormats, LogPrivacyTest, ::testing::Values("text", "json"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pinsync::deploy_test
