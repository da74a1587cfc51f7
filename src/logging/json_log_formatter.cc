// logging.format: json. One object per line; RapidJSON's Writer does the escaping.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "json_log_formatter.h"
#include "json_text.h"
#include "pinsync/common/log_fields.h"

namespace pinsync::logging {
namespace {

// RFC 3339 in UTC with microseconds: 2026-12-01T02:03:04.123456Z.
std::string Rfc3339Utc(std::chrono::system_clock::time_point at) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  long fraction = static_cast<long>(micros % 1'000'000);
  if (fraction < 0) {  // before 1970: keep the fraction positive
    fraction += 1'000'000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
  return text;
}

void WriteString(rapidjson::Writer<rapidjson::StringBuffer>& writer, std::string_view text) {
  const std::string valid = ValidUtf8(text);
  writer.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("time");
  WriteString(writer, Rfc3339Utc(msg.time));
  writer.Key("level");
  const auto level = spdlog::level::to_string_view(msg.level);
  WriteString(writer, std::string_view(level.data(), level.size()));
  if (msg.logger_name.size() > 0) {
    writer.Key("logger");
    WriteString(writer, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
  }
  writer.Key("message");
  WriteString(writer, std::string_view(msg.payload.data(), msg.payload.size()));
  for (const LogField& field : LogFields::Current()) {
    const std::string key = ValidUtf8(field.key);
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    if (field.json) {
      writer.RawValue(field.value.data(), field.value.size(), rapidjson::kObjectType);
    } else {
      WriteString(writer, field.value);
    }
  }
  writer.EndObject();
  dest.append(buffer.GetString(), buffer.GetString() + buffer.GetSize());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace pinsync::logging
