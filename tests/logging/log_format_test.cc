// logging.format: every JSON line parses and carries time, level, message and the thread's
// LogFields; escaping holds for quotes, control characters and invalid UTF-8; the text format
// appends the fields; the start-up configuration event is an object with secrets redacted.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

#include "pinsync/common/log_fields.h"
#include "pinsync/config/load.h"
#include "pinsync/config/render.h"
#include "pinsync/logging/log_format.h"

namespace pinsync::logging {
namespace {

// A logger writing into a string with the formatter under test.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format)
      : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)), logger_("captured", sink_) {
    logger_.set_formatter(MakeLogFormatter(format));
    logger_.set_level(spdlog::level::trace);
  }
  spdlog::logger& logger() { return logger_; }
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  spdlog::logger logger_;
};

rapidjson::Document Parse(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  EXPECT_FALSE(doc.HasParseError()) << line;
  EXPECT_TRUE(doc.IsObject()) << line;
  return doc;
}

TEST(LogFormatTest, ParsesTheConfiguredNames) {
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("xml"));
}

TEST(LogFormatTest, JsonLinesCarryTimeLevelMessageAndTheScopesFields) {
  CapturedLog log(LogFormat::kJson);
  log.logger().info("no fields here");
  {
    const LogFields batch{{"batch", "17"}, {"audience", "aud-1"}, {"list", "5498"}};
    log.logger().warn("batch {} retried", 17);
    {
      const LogFields partition{{"partition", "3"}};
      log.logger().error("nested");
    }
    log.logger().debug("after the inner scope");
  }
  log.logger().info("scope gone");
  const auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 5u);
  static const std::regex kRfc3339Utc(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
  for (const std::string& line : lines) {
    const auto doc = Parse(line);
    ASSERT_TRUE(doc.HasMember("time") && doc.HasMember("level") && doc.HasMember("message"))
        << line;
    EXPECT_TRUE(std::regex_match(doc["time"].GetString(), kRfc3339Utc)) << line;
  }
  const auto first = Parse(lines[0]);
  EXPECT_STREQ(first["level"].GetString(), "info");
  EXPECT_STREQ(first["message"].GetString(), "no fields here");
  EXPECT_FALSE(first.HasMember("batch"));
  const auto second = Parse(lines[1]);
  EXPECT_STREQ(second["level"].GetString(), "warning");
  EXPECT_STREQ(second["message"].GetString(), "batch 17 retried");
  EXPECT_STREQ(second["batch"].GetString(), "17");
  EXPECT_STREQ(second["audience"].GetString(), "aud-1");
  EXPECT_STREQ(second["list"].GetString(), "5498");
  const auto nested = Parse(lines[2]);
  EXPECT_STREQ(nested["partition"].GetString(), "3");
  EXPECT_STREQ(nested["batch"].GetString(), "17");
  EXPECT_FALSE(Parse(lines[3]).HasMember("partition"));
  EXPECT_FALSE(Parse(lines[4]).HasMember("audience"));
}

TEST(LogFormatTest, JsonEscapesWhatAMessageMayQuote) {
  CapturedLog log(LogFormat::kJson);
  const std::string nasty = std::string("quote \" backslash \\ newline \n tab \t bell \x07") +
                            " invalid \xC3\x28 cut \xE2\x82 end";
  {
    const LogFields fields{{"audience", "a\"b\nc"}};
    log.logger().info("{}", nasty);
  }
  const auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 1u) << "a newline in a message must not split the JSON line";
  const auto doc = Parse(lines[0]);
  const std::string message = doc["message"].GetString();
  EXPECT_NE(message.find("quote \" backslash \\ newline \n tab \t bell \x07"), std::string::npos);
  EXPECT_NE(message.find("invalid \xEF\xBF\xBD( cut \xEF\xBF\xBD\xEF\xBF\xBD end"),
            std::string::npos)
      << "invalid UTF-8 becomes U+FFFD";
  EXPECT_STREQ(doc["audience"].GetString(), "a\"b\nc");
}

TEST(LogFormatTest, TextLinesAppendTheFields) {
  CapturedLog log(LogFormat::kText);
  {
    const LogFields fields{{"batch", "9"}, {"audience", "aud 2"}};
    log.logger().info("sent");
  }
  log.logger().info("plain");
  const auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].ends_with("[info] sent batch=9 audience=\"aud 2\"")) << lines[0];
  EXPECT_TRUE(lines[1].ends_with("[info] plain")) << lines[1];
}

TEST(LogFormatTest, StartupConfigurationIsOneObjectWithSecretsRedacted) {
  const std::string token = "pina_SECRETtoken123";
  auto cfg = config::LoadConfigString(
      "kafka:\n  bootstrap_servers: \"127.0.0.1:9092\"\n  topics: [membership]\n"
      "  properties:\n    sasl.password: \"kafkaSECRET\"\n"
      "pinterest:\n  ad_account_id: \"549755885175\"\nlogging:\n  format: json\n",
      "test.yaml", {{"PINTEREST_ACCESS_TOKEN", token}});
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  const std::string json = EffectiveConfigJson(config::RenderEffectiveConfig(*cfg));
  EXPECT_EQ(json.find(token), std::string::npos) << json;
  EXPECT_EQ(json.find("kafkaSECRET"), std::string::npos) << json;
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["logging"]["format"].GetString(), "json");
  EXPECT_STREQ(doc["pinterest"]["ad_account_id"].GetString(), "549755885175")
      << "quoted YAML stays a string, even when it looks like a number";
  EXPECT_TRUE(doc["kafka"]["topics"].IsArray());
  EXPECT_STREQ(doc["kafka"]["properties"]["sasl.password"].GetString(), "<redacted>");

  CapturedLog log(LogFormat::kJson);
  {
    LogFields fields{{"event", "startup"}};
    fields.AddJson("config", json);
    log.logger().info("pinsync starting");
  }
  const auto lines = log.Lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto event = Parse(lines[0]);
  ASSERT_TRUE(event.HasMember("config") && event["config"].IsObject()) << lines[0];
  EXPECT_STREQ(event["config"]["logging"]["format"].GetString(), "json");
}

}  // namespace
}  // namespace pinsync::logging
