#include "pinsync/logging/log_format.h"

#include <spdlog/spdlog.h>

#include "json_log_formatter.h"
#include "text_log_formatter.h"

namespace pinsync::logging {

std::optional<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonLogFormatter>();
  return MakeTextLogFormatter();
}

void UseLogFormat(LogFormat format) { spdlog::set_formatter(MakeLogFormatter(format)); }

}  // namespace pinsync::logging
