#pragma once
// logging.format: how pinsync writes its log lines. `text` is spdlog's usual line with the
// structured fields (pinsync/common/log_fields.h) appended as key=value; `json` is one JSON
// object per line for log pipelines: time (RFC 3339, UTC), level, message and the fields as
// top-level keys.

#include <spdlog/formatter.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pinsync::logging {

enum class LogFormat { kText, kJson };

std::optional<LogFormat> ParseLogFormat(std::string_view name);

// A formatter for spdlog loggers; it reads the calling thread's LogFields, so it suits the
// synchronous loggers pinsync uses (an async logger would format on its own thread).
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

// Every registered spdlog logger, and those registered later, write in `format`.
void UseLogFormat(LogFormat format);

// The effective configuration (RenderEffectiveConfig's YAML, secrets already redacted) as one
// JSON object, for the start-up event. Quoted YAML scalars stay strings; plain ones that read
// as booleans or integers become JSON booleans or numbers.
std::string EffectiveConfigJson(const std::string& effective_yaml);

}  // namespace pinsync::logging
