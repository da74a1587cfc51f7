// logging.format: text. spdlog's default line ("%+") with the structured fields appended.
#include <spdlog/pattern_formatter.h>

#include "pinsync/common/log_fields.h"
#include "text_log_formatter.h"

namespace pinsync::logging {
namespace {

// %* : " key=value ..." for the thread's LogFields (JSON-valued ones are left out: the text
// format logs the same facts in its message). Values with spaces or quotes are quoted.
class FieldsFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (const LogField& field : LogFields::Current()) {
      if (field.json) continue;
      std::string text = " ";
      text.append(field.key).append("=");
      if (field.value.empty() || field.value.find_first_of(" \"=\n") != std::string::npos) {
        text += '"';
        for (char ch : field.value) {
          if (ch == '"' || ch == '\\') text += '\\';
          text += ch == '\n' ? ' ' : ch;
        }
        text += '"';
      } else {
        text += field.value;
      }
      dest.append(text.data(), text.data() + text.size());
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<FieldsFlag>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeTextLogFormatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<FieldsFlag>('*').set_pattern("%+%*");
  return formatter;
}

}  // namespace pinsync::logging
