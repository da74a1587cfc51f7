#pragma once
// Structured fields for log lines: a LogFields scope attaches key/value pairs (audience, list,
// batch, partition) to every line the current thread logs while the scope lives. The JSON log
// format writes them as top-level keys, the text format appends them as key=value. Header-only
// so that every subsystem can set fields without depending on the logging library; the default
// spdlog logger is synchronous, so lines are formatted on the thread that holds the scope.
//
// Values must never be identifiers, hashes or tokens: only ids of pinsync's own objects.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pinsync {

struct LogField {
  std::string_view key;  // a string literal: the scope outlives nothing it points to
  std::string value;
  bool json = false;  // value is a JSON document, written as is (the text format leaves it out)
};

class LogFields {
 public:
  LogFields(std::initializer_list<std::pair<std::string_view, std::string>> fields) {
    for (const auto& [key, value] : fields) Current().push_back({key, value, false});
    added_ = fields.size();
  }
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;
  ~LogFields() { Current().resize(Current().size() - added_); }

  // A field whose value is a JSON document (e.g. the effective configuration as an object).
  void AddJson(std::string_view key, std::string json) {
    Current().push_back({key, std::move(json), true});
    ++added_;
  }

  // The fields of every live scope on this thread, outermost first.
  static std::vector<LogField>& Current() {
    thread_local std::vector<LogField> fields;
    return fields;
  }

 private:
  size_t added_ = 0;
};

}  // namespace pinsync
