// The whole table, and the small rules shared by its rows.
#include "property_table.h"

#include <algorithm>
#include <cctype>

namespace pinsync::config {

std::string_view ToString(PropertyType type) {
  switch (type) {
    case PropertyType::kString:
      return "string";
    case PropertyType::kInt:
      return "int";
    case PropertyType::kSize:
      return "size";
    case PropertyType::kDuration:
      return "duration";
    case PropertyType::kBool:
      return "bool";
    case PropertyType::kEnum:
      return "enum";
    case PropertyType::kStringList:
      return "list of strings";
    case PropertyType::kStringMap:
      return "map string->string";
    case PropertyType::kPath:
      return "path";
  }
  return "?";
}

std::span<const Property> Properties() {
  static const std::vector<Property> all = [] {
    std::vector<Property> rows;
    for (auto section : {KafkaProperties(), InputProperties(), SchemaRegistryProperties(),
                         PinterestProperties(), GeneralProperties(), AudienceProperties()}) {
      rows.insert(rows.end(), section.begin(), section.end());
    }
    return rows;
  }();
  return all;
}

std::vector<std::string> SplitKey(std::string_view name) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    segments.emplace_back(name.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return segments;
}

std::string EnvVarName(const Property& p) {
  if (p.secret) return std::string(p.env_var);
  std::string out = "PINSYNC";
  for (const std::string& segment : SplitKey(p.name)) {
    out += "__";
    if (segment == kAudienceIdSegment) {
      out += "<AUDIENCE_ID>";
      continue;
    }
    if (segment == kListIndexSegment) {
      out += "<N>";
      continue;
    }
    for (char ch : segment) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  out.erase(7, 1);  // PINSYNC_ takes one underscore, levels two
  if (p.type == PropertyType::kStringMap) out += "__<NAME>";
  return out;
}

std::optional<std::string> CheckDigits(const PropertyValue& v) {
  if (v.text.empty()) return std::nullopt;  // unset
  if (!std::all_of(v.text.begin(), v.text.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    // The value is not echoed: a misplaced token is exactly what lands in the wrong key.
    return "must contain digits only";
  }
  return std::nullopt;
}

std::optional<std::string> CheckAdAccountId(const PropertyValue& v) {
  if (v.text.empty()) return "the ad account id is empty; write the digits of your ad account id";
  if (auto bad = CheckDigits(v)) return bad;
  if (v.text.size() > 18) {
    return std::to_string(v.text.size()) + " digits is too long; an ad account id has at most 18";
  }
  return std::nullopt;
}

bool IsListRow(const Property& p) {
  return p.name.find(kListIndexSegment) != std::string_view::npos;
}

std::optional<std::string> CheckNotEmpty(const PropertyValue& v) {
  if (v.text.empty()) return "the value is empty";
  return std::nullopt;
}

}  // namespace pinsync::config
