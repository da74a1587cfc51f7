// The effective configuration as YAML, generated from the table. Secrets, and librdkafka
// properties that hold credentials, are printed as <redacted>.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "pinsync/config/duration.h"
#include "pinsync/config/render.h"
#include "property_table.h"

namespace pinsync::config {
namespace {

std::string YamlQuote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// librdkafka properties that carry credentials (sasl.password, ssl.key.password,
// sasl.oauthbearer.client.secret, ssl.key.pem, sasl.oauthbearer.config, ...); the same markers
// as the Kafka client's own log redaction (src/kafka/client_config.cc).
bool IsSensitiveKafkaProperty(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  for (std::string_view marker :
       {"password", "secret", "token", "jaas", "key.pem", "oauthbearer.config"}) {
    if (lower.find(marker) != std::string::npos) return true;
  }
  return false;
}

class YamlWriter {
 public:
  // Writes one key, opening the sections it sits in. `keys` are the segments, already quoted
  // where needed; base is the depth at which they start.
  void Write(const std::vector<std::string>& keys, const Property& p, const PropertyValue& v) {
    const size_t depth = keys.size() - 1;
    size_t common = 0;
    while (common < open_.size() && common < depth && open_[common] == keys[common]) ++common;
    open_.resize(common);
    for (size_t i = common; i < depth; ++i) {
      Line(i, keys[i] + ":");
      open_.push_back(keys[i]);
    }
    const std::string head = keys[depth] + ":";
    if (p.secret) {
      Line(depth, head + (v.text.empty() ? " <unset>" : " <redacted>"));
      return;
    }
    switch (p.type) {
      case PropertyType::kString:
      case PropertyType::kPath:
        Line(depth, head + " " + YamlQuote(v.text));
        return;
      case PropertyType::kEnum:
        Line(depth, head + " " + v.text);
        return;
      case PropertyType::kInt:
        Line(depth, head + " " + std::to_string(v.number));
        return;
      case PropertyType::kSize:
        Line(depth, head + " " + FormatSize(static_cast<uint64_t>(v.number)));
        return;
      case PropertyType::kDuration:
        Line(depth, head + " " + FormatDuration(v.duration));
        return;
      case PropertyType::kBool:
        Line(depth, head + (v.flag ? " true" : " false"));
        return;
      case PropertyType::kStringList:
        if (v.list.empty()) return Line(depth, head + " []");
        Line(depth, head);
        for (const std::string& item : v.list) Line(depth + 1, "- " + YamlQuote(item));
        return;
      case PropertyType::kStringMap:
        if (v.map.empty()) return Line(depth, head + " {}");
        Line(depth, head);
        for (const auto& [name, value] : v.map) {
          Line(depth + 1, YamlQuote(name) + ": " +
                              (IsSensitiveKafkaProperty(name) ? "<redacted>" : YamlQuote(value)));
        }
        return;
    }
  }
  void Raw(size_t depth, const std::string& text) {
    open_.clear();
    Line(depth, text);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Line(size_t depth, const std::string& text) {
    out_.append(depth * 2, ' ').append(text).append("\n");
  }
  std::vector<std::string> open_;
  std::string out_;
};

// inputs: each entry is rendered as a map of its own, then indented under "- ".
void WriteInputs(const Config& config, YamlWriter& writer) {
  if (config.inputs.empty()) {
    writer.Raw(0, "inputs: []");
    return;
  }
  writer.Raw(0, "inputs:");
  for (size_t i = 0; i < config.inputs.size(); ++i) {
    YamlWriter entry;
    for (const Property& p : InputProperties()) {
      std::vector<std::string> keys = SplitKey(p.name);
      keys.erase(keys.begin(), keys.begin() + 2);  // "inputs", "<n>"
      entry.Write(keys, p, p.read(config, std::to_string(i)));
    }
    const std::string text = entry.Take();
    bool first = true;
    for (size_t start = 0; start < text.size();) {
      const size_t end = text.find('\n', start);
      writer.Raw(0, (first ? "  - " : "    ") + text.substr(start, end - start));
      first = false;
      start = end == std::string::npos ? text.size() : end + 1;
    }
  }
}

}  // namespace

std::string RenderEffectiveConfig(const Config& config) {
  YamlWriter writer;
  writer.Raw(0, "# Effective pinsync configuration; secrets are shown as <redacted> or <unset>.");
  for (const Property& p : Properties()) {
    const std::vector<std::string> keys = SplitKey(p.name);
    if (keys[0] == "audiences" || IsListRow(p)) continue;
    writer.Write(keys, p, p.read(config, ""));
  }
  WriteInputs(config, writer);
  if (config.audiences.empty()) {
    writer.Raw(0, "audiences: {}");
    return writer.Take();
  }
  for (const auto& [id, unused] : config.audiences) {
    for (const Property& p : AudienceProperties()) {
      std::vector<std::string> keys = SplitKey(p.name);
      for (std::string& k : keys) {
        if (k == kAudienceIdSegment) k = YamlQuote(id);
      }
      writer.Write(keys, p, p.read(config, id));
    }
  }
  return writer.Take();
}

}  // namespace pinsync::config
