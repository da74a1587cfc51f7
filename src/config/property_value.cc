// Parsing, checking and printing a value according to its row's type.
#include "property_value.h"

#include <charconv>

#include "pinsync/config/duration.h"

namespace pinsync::config {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitAllowed(std::string_view allowed) {
  std::vector<std::string> values;
  size_t start = 0;
  while (start <= allowed.size()) {
    const size_t bar = allowed.find('|', start);
    values.emplace_back(allowed.substr(start, bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return values;
}

}  // namespace

PropertyValue TextValue(std::string text) {
  PropertyValue v;
  v.text = std::move(text);
  return v;
}
PropertyValue NumberValue(int64_t number) {
  PropertyValue v;
  v.number = number;
  return v;
}
PropertyValue DurationValue(Millis d) {
  PropertyValue v;
  v.duration = d;
  return v;
}
PropertyValue ListValue(std::vector<std::string> list) {
  PropertyValue v;
  v.list = std::move(list);
  return v;
}
PropertyValue MapValue(std::map<std::string, std::string> map) {
  PropertyValue v;
  v.map = std::move(map);
  return v;
}

std::string_view TypeExpectation(PropertyType type) {
  switch (type) {
    case PropertyType::kString:
      return "a string";
    case PropertyType::kInt:
      return "a whole number";
    case PropertyType::kSize:
      return "a byte count such as 1048576 or 1MiB";
    case PropertyType::kDuration:
      return "a duration such as 200ms, 5s, 10m or 3h";
    case PropertyType::kBool:
      return "true or false";
    case PropertyType::kEnum:
      return "one of the allowed values";
    case PropertyType::kStringList:
      return "a list of strings";
    case PropertyType::kStringMap:
      return "a map of names to values";
    case PropertyType::kPath:
      return "a file path";
  }
  return "?";
}

Result<PropertyValue> ParseScalar(const Property& p, std::string_view text) {
  PropertyValue v;
  switch (p.type) {
    case PropertyType::kString:
    case PropertyType::kPath:
    case PropertyType::kEnum:
      v.text = std::string(text);
      return v;
    case PropertyType::kInt: {
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v.number);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return MakeError("expected a whole number, got '" + std::string(text) + "'");
      }
      return v;
    }
    case PropertyType::kSize: {
      auto size = ParseSize(text);
      if (!size)
        return MakeError("expected " + std::string(TypeExpectation(p.type)) + ": " +
                         size.error().message);
      if (*size > static_cast<uint64_t>(INT64_MAX)) return MakeError("size too large");
      v.number = static_cast<int64_t>(*size);
      return v;
    }
    case PropertyType::kDuration: {
      auto d = ParseDuration(text);
      if (!d) return MakeError(d.error().message);
      v.duration = *d;
      return v;
    }
    case PropertyType::kBool:
      if (text == "true") {
        v.flag = true;
      } else if (text != "false") {
        return MakeError("expected true or false, got '" + std::string(text) + "'");
      }
      return v;
    case PropertyType::kStringList: {
      size_t start = 0;
      while (start <= text.size()) {
        const size_t comma = text.find(',', start);
        const std::string_view item = Trim(text.substr(start, comma - start));
        if (!item.empty()) v.list.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return v;
    }
    case PropertyType::kStringMap:
      return MakeError("expected a map of names to values, got a single value");
  }
  return MakeError("unsupported type");
}

std::optional<ValueProblem> CheckValue(const Property& p, const PropertyValue& v) {
  const bool bounded = p.min != 0 || p.max != 0;
  switch (p.type) {
    case PropertyType::kInt:
    case PropertyType::kSize:
      if (bounded && (v.number < p.min || v.number > p.max)) {
        return ValueProblem{ConfigErrorKind::kOutOfRange,
                            std::to_string(v.number) + " is outside " + RangeText(p)};
      }
      break;
    case PropertyType::kDuration:
      if (bounded && (v.duration.count() < p.min || v.duration.count() > p.max)) {
        return ValueProblem{ConfigErrorKind::kOutOfRange,
                            FormatDuration(v.duration) + " is outside " + RangeText(p)};
      }
      break;
    case PropertyType::kEnum: {
      bool known = false;
      for (const std::string& allowed : SplitAllowed(p.allowed)) known = known || allowed == v.text;
      if (!known) {
        return ValueProblem{ConfigErrorKind::kInvalidValue,
                            "'" + v.text + "' is not one of " + RangeText(p)};
      }
      break;
    }
    case PropertyType::kString:
    case PropertyType::kBool:
    case PropertyType::kStringList:
    case PropertyType::kStringMap:
    case PropertyType::kPath:
      break;
  }
  if (p.check != nullptr) {
    if (auto problem = p.check(v)) return ValueProblem{ConfigErrorKind::kInvalidValue, *problem};
  }
  return std::nullopt;
}

std::string FormatPlain(const Property& p, const PropertyValue& v) {
  switch (p.type) {
    case PropertyType::kString:
    case PropertyType::kPath:
    case PropertyType::kEnum:
      return v.text;
    case PropertyType::kInt:
      return std::to_string(v.number);
    case PropertyType::kSize:
      return FormatSize(static_cast<uint64_t>(v.number));
    case PropertyType::kDuration:
      return FormatDuration(v.duration);
    case PropertyType::kBool:
      return v.flag ? "true" : "false";
    case PropertyType::kStringList: {
      std::string out = "[";
      for (size_t i = 0; i < v.list.size(); ++i) out += (i ? ", " : "") + v.list[i];
      return out + "]";
    }
    case PropertyType::kStringMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [name, value] : v.map) {
        out += (first ? "" : ", ") + name + ": " + value;
        first = false;
      }
      return out + "}";
    }
  }
  return "?";
}

std::string RangeText(const Property& p) {
  if (p.type == PropertyType::kEnum) {
    std::string out;
    for (const std::string& allowed : SplitAllowed(p.allowed)) {
      out += (out.empty() ? "" : ", ") + allowed;
    }
    return out;
  }
  if (p.min == 0 && p.max == 0) return "";
  if (p.type == PropertyType::kDuration) {
    return FormatDuration(Millis(p.min)) + ".." + FormatDuration(Millis(p.max));
  }
  if (p.type == PropertyType::kSize) {
    return FormatSize(static_cast<uint64_t>(p.min)) + ".." +
           FormatSize(static_cast<uint64_t>(p.max));
  }
  return std::to_string(p.min) + ".." + std::to_string(p.max);
}

}  // namespace pinsync::config
