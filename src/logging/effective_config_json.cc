// The effective configuration for the JSON start-up event. It converts RenderEffectiveConfig's
// YAML rather than walking the property table a second time, so secrets are redacted in one
// place only.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <yaml-cpp/yaml.h>

#include <regex>

#include "json_text.h"
#include "pinsync/logging/log_format.h"

namespace pinsync::logging {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteText(JsonWriter& writer, const std::string& text) {
  const std::string valid = ValidUtf8(text);
  writer.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void WriteScalar(JsonWriter& writer, const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {  // plain (unquoted) scalar
    static const std::regex kInteger("-?[0-9]{1,18}");
    if (text == "true" || text == "false") return (void)writer.Bool(text == "true");
    if (std::regex_match(text, kInteger)) return (void)writer.Int64(std::stoll(text));
  }
  WriteText(writer, text);
}

void Write(JsonWriter& writer, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      writer.StartObject();
      for (const auto& entry : node) {
        WriteText(writer, entry.first.as<std::string>());
        Write(writer, entry.second);
      }
      writer.EndObject();
      return;
    case YAML::NodeType::Sequence:
      writer.StartArray();
      for (const auto& item : node) Write(writer, item);
      writer.EndArray();
      return;
    case YAML::NodeType::Scalar:
      return WriteScalar(writer, node);
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      writer.Null();
      return;
  }
}

}  // namespace

std::string EffectiveConfigJson(const std::string& effective_yaml) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  try {
    const YAML::Node root = YAML::Load(effective_yaml);
    if (root.IsMap()) {
      Write(writer, root);
      return buffer.GetString();
    }
  } catch (const YAML::Exception&) {
    // fall through: an object that says so, never the text (it is logged nowhere else)
  }
  return R"({"error":"the effective configuration could not be converted to JSON"})";
}

}  // namespace pinsync::logging
