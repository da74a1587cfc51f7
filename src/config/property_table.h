#pragma once
// The property table: one row per configuration key (librdkafka's rd_kafka_properties[] style).
// Parsing, validation, environment overrides, the effective-config rendering and the Markdown
// reference are all driven from these rows, so a key exists in exactly one place.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/config/config.h"

namespace pinsync::config {

enum class PropertyType {
  kString,
  kInt,
  kSize,
  kDuration,
  kBool,
  kEnum,
  kStringList,
  kStringMap,
  kPath
};

std::string_view ToString(PropertyType type);

// A parsed value; which member is meaningful depends on the property's type.
struct PropertyValue {
  std::string text;    // string, enum, path
  int64_t number = 0;  // int, size
  Millis duration{0};
  bool flag = false;
  std::vector<std::string> list;
  std::map<std::string, std::string> map;
};

// The segment of an audience key that stands for the audience id.
inline constexpr std::string_view kAudienceIdSegment = "<audience_id>";
// The segment of a list-section key (inputs.<n>.topic) that stands for the entry's position in
// the YAML list. For these rows apply/read receive that position, in decimal, as their
// audience_id argument. List entries are set in the file only, never by PINSYNC_* variables.
inline constexpr std::string_view kListIndexSegment = "<n>";

struct Property {
  std::string_view name;  // dotted key; audience keys contain kAudienceIdSegment
  PropertyType type;
  std::string_view default_text;  // as documented
  int64_t min = 0;                // int, size: value bounds; duration: milliseconds
  int64_t max = 0;                // min == max == 0: unbounded
  std::string_view allowed;       // enum: values separated by '|'
  std::string_view description;
  bool secret = false;        // never read from YAML or PINSYNC_*; only from env_var or file_key
  bool required = false;      // must be set (non-empty) after YAML and environment overrides
  std::string_view env_var;   // secret: where it comes from; otherwise a fallback source
  std::string_view file_key;  // secret: the key naming a file that holds it
  // Extra rule beyond type and range: returns what is wrong, or nullopt.
  std::optional<std::string> (*check)(const PropertyValue&) = nullptr;
  // audience_id is empty for global keys.
  void (*apply)(Config&, const std::string& audience_id, const PropertyValue&) = nullptr;
  // The effective value (for audiences: after inheriting global values).
  PropertyValue (*read)(const Config&, const std::string& audience_id) = nullptr;
};

// Every key, in documentation order (sections contiguous).
std::span<const Property> Properties();

// Each section's rows, concatenated by Properties().
std::span<const Property> KafkaProperties();
std::span<const Property> InputProperties();           // inputs.<n>.*
std::span<const Property> SchemaRegistryProperties();  // schema_registry.*
std::span<const Property> PinterestProperties();
std::span<const Property> GeneralProperties();  // batching ... logging
std::span<const Property> AudienceProperties();

// Splits "a.b.c" into its segments.
std::vector<std::string> SplitKey(std::string_view name);

// The PINSYNC_* variable that overrides a key (audience keys show <AUDIENCE_ID>).
std::string EnvVarName(const Property& p);

// Value checks shared by several rows.
std::optional<std::string> CheckAdAccountId(const PropertyValue& v);
std::optional<std::string> CheckDigits(const PropertyValue& v);
std::optional<std::string> CheckNotEmpty(const PropertyValue& v);
// Empty (unset) or an RFC 6901 pointer that starts with '/'.
std::optional<std::string> CheckJsonPointer(const PropertyValue& v);

// True for rows of a list section (their name contains kListIndexSegment).
bool IsListRow(const Property& p);

}  // namespace pinsync::config
