// Rows for inputs.<n>.* (a YAML list: one entry per topic read in a format other than native) and
// schema_registry.* (where Avro schemas come from). docs/events.md describes the formats.
#include <charconv>

#include "property_table.h"
#include "property_value.h"

// Rows name only the fields they use; gcc 12 warns about the omitted designated fields even
// though each has a default (GCC PR 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace pinsync::config {
namespace {

std::optional<size_t> IndexOf(const std::string& index) {
  size_t i = 0;
  auto [end, ec] = std::from_chars(index.data(), index.data() + index.size(), i);
  if (ec != std::errc() || end != index.data() + index.size()) return std::nullopt;
  return i;
}

// The entry at `index`, created (with the ones before it) on first use.
InputConfig& Entry(Config& c, const std::string& index) {
  const size_t i = IndexOf(index).value_or(c.inputs.size());
  if (c.inputs.size() <= i) c.inputs.resize(i + 1);
  return c.inputs[i];
}

// The entry at `index`, or a default entry (reads of the documented defaults).
const InputConfig& EntryOrDefault(const Config& c, const std::string& index) {
  static const InputConfig kDefault;
  const auto i = IndexOf(index);
  return i && *i < c.inputs.size() ? c.inputs[*i] : kDefault;
}

InputFormat ParseFormat(const std::string& text) {
  if (text == "segment") return InputFormat::kSegment;
  if (text == "mapped") return InputFormat::kMapped;
  if (text == "avro") return InputFormat::kAvro;
  return InputFormat::kNative;  // the enum check has already limited text to the four
}

// A pointer row of inputs.<n>.mapping: the same shape for every field.
#define PINSYNC_POINTER_ROW(KEY, FIELD, DESCRIPTION)                                      \
  {                                                                                       \
    .name = "inputs.<n>.mapping." KEY, .type = PropertyType::kString, .default_text = "", \
    .description = DESCRIPTION, .check = CheckJsonPointer,                                \
    .apply = [](Config& c, const std::string& i,                                          \
                const PropertyValue& v) { Entry(c, i).mapping.FIELD = v.text; },          \
    .read = [](const Config& c, const std::string& i) {                                   \
      return TextValue(EntryOrDefault(c, i).mapping.FIELD);                               \
    }                                                                                     \
  }

const Property kInputRows[] = {
    {.name = "inputs.<n>.topic",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Topic read in this entry's format (required; not also in kafka.topics).",
     .check = CheckNotEmpty,
     .apply = [](Config& c, const std::string& i,
                 const PropertyValue& v) { Entry(c, i).topic = v.text; },
     .read = [](const Config& c,
                const std::string& i) { return TextValue(EntryOrDefault(c, i).topic); }},
    {.name = "inputs.<n>.format",
     .type = PropertyType::kEnum,
     .default_text = "native",
     .allowed = "native|segment|mapped|avro",
     .description = "How the topic's messages are read: native (docs/events.md), segment "
                    "(Segment Engage identify/track calls), mapped (any JSON, by mapping) or "
                    "avro (Confluent wire format, schemas from schema_registry.url).",
     .apply = [](Config& c, const std::string& i,
                 const PropertyValue& v) { Entry(c, i).format = ParseFormat(v.text); },
     .read =
         [](const Config& c, const std::string& i) {
           return TextValue(std::string(ToString(EntryOrDefault(c, i).format)));
         }},
    PINSYNC_POINTER_ROW("audience_id", audience_id,
                        "JSON Pointer (RFC 6901) to the audience id: a string or an integer. "
                        "Required for mapped."),
    PINSYNC_POINTER_ROW("audience_name", audience_name,
                        "JSON Pointer to the audience name. Unset or absent: the audience id."),
    PINSYNC_POINTER_ROW("user_id", user_id,
                        "JSON Pointer to the user id. Unset or absent: the Kafka key."),
    PINSYNC_POINTER_ROW("ts", ts,
                        "JSON Pointer to the event time, integer milliseconds since the epoch."),
    PINSYNC_POINTER_ROW("op", op,
                        "JSON Pointer to the operation, compared with add_values and "
                        "remove_values. Set this or member."),
    {.name = "inputs.<n>.mapping.add_values",
     .type = PropertyType::kStringList,
     .default_text = "[add]",
     .description = "Values at mapping.op that mean the user entered the audience.",
     .apply = [](Config& c, const std::string& i,
                 const PropertyValue& v) { Entry(c, i).mapping.add_values = v.list; },
     .read =
         [](const Config& c, const std::string& i) {
           return ListValue(EntryOrDefault(c, i).mapping.add_values);
         }},
    {.name = "inputs.<n>.mapping.remove_values",
     .type = PropertyType::kStringList,
     .default_text = "[remove]",
     .description = "Values at mapping.op that mean the user left the audience.",
     .apply = [](Config& c, const std::string& i,
                 const PropertyValue& v) { Entry(c, i).mapping.remove_values = v.list; },
     .read =
         [](const Config& c, const std::string& i) {
           return ListValue(EntryOrDefault(c, i).mapping.remove_values);
         }},
    PINSYNC_POINTER_ROW("member", member,
                        "JSON Pointer to a boolean: true adds the user, false removes. Set this "
                        "or op."),
    PINSYNC_POINTER_ROW("identifiers.email", email,
                        "JSON Pointer to plaintext emails: a string or an array of strings."),
    PINSYNC_POINTER_ROW("identifiers.idfa", idfa, "JSON Pointer to IDFAs (string or array)."),
    PINSYNC_POINTER_ROW("identifiers.gaid", gaid, "JSON Pointer to GAIDs (string or array)."),
    PINSYNC_POINTER_ROW("identifiers.email_sha256", email_sha256,
                        "JSON Pointer to SHA-256 hex digests of normalized emails."),
    PINSYNC_POINTER_ROW("identifiers.maid_sha256", maid_sha256,
                        "JSON Pointer to SHA-256 hex digests of mobile ad ids."),
};

#undef PINSYNC_POINTER_ROW

const Property kSchemaRegistryRows[] = {
    {.name = "schema_registry.url",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Base URL of the Confluent-compatible Schema Registry (required when an "
                    "input has format avro).",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.url = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.schema_registry.url); }},
    {.name = "schema_registry.username",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Basic-auth user for the registry; empty: no authentication.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.username = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.schema_registry.username); }},
    {.name = "schema_registry.password",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Basic-auth password for the registry.",
     .secret = true,
     .env_var = "SCHEMA_REGISTRY_PASSWORD",
     .file_key = "schema_registry.password_file",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.password = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.schema_registry.password); }},
    {.name = "schema_registry.password_file",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "File holding the registry password (e.g. a mounted Kubernetes secret).",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.password_file = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.schema_registry.password_file); }},
    {.name = "schema_registry.ca_bundle",
     .type = PropertyType::kPath,
     .default_text = "",
     .description = "CA bundle for the registry's TLS certificate; empty: the system's store. "
                    "Verification is always on.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.ca_bundle = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.schema_registry.ca_bundle); }},
    {.name = "schema_registry.request_timeout",
     .type = PropertyType::kDuration,
     .default_text = "10s",
     .min = 100,
     .max = 300'000,
     .description = "Timeout of one schema fetch.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.request_timeout = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.schema_registry.request_timeout); }},
    {.name = "schema_registry.max_retries",
     .type = PropertyType::kInt,
     .default_text = "5",
     .min = 1,
     .max = 100,
     .description = "Attempts per fetch round while the registry is unreachable; between rounds "
                    "consumption holds (messages are retried, never dead-lettered).",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.schema_registry.max_retries = static_cast<int>(v.number);
         },
     .read = [](const Config& c,
                const std::string&) { return NumberValue(c.schema_registry.max_retries); }},
    {.name = "schema_registry.retry_backoff",
     .type = PropertyType::kDuration,
     .default_text = "500ms",
     .min = 10,
     .max = 60'000,
     .description = "First wait between fetch attempts; doubles each attempt, up to 30s.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.schema_registry.retry_backoff = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.schema_registry.retry_backoff); }},
};

}  // namespace

std::string_view ToString(InputFormat format) {
  switch (format) {
    case InputFormat::kNative:
      return "native";
    case InputFormat::kSegment:
      return "segment";
    case InputFormat::kMapped:
      return "mapped";
    case InputFormat::kAvro:
      return "avro";
  }
  return "native";
}

std::optional<std::string> CheckJsonPointer(const PropertyValue& v) {
  const std::string& p = v.text;
  if (p.empty()) return std::nullopt;  // unset
  if (p[0] != '/') {
    return "a JSON Pointer (RFC 6901) starts with '/' (e.g. /audience/id); '' is not allowed "
           "here because it would select the whole message";
  }
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '~' && (i + 1 == p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) {
      return "'~' at position " + std::to_string(i) +
             " must be followed by 0 ('~') or 1 ('/') (RFC 6901 escapes)";
    }
  }
  return std::nullopt;
}

std::span<const Property> InputProperties() { return kInputRows; }
std::span<const Property> SchemaRegistryProperties() { return kSchemaRegistryRows; }

}  // namespace pinsync::config
