#pragma once
// Reading, checking and printing one property's value, by its row in the table.

#include <optional>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/config/config_error.h"
#include "property_table.h"

namespace pinsync::config {

// Shorthands the table rows use to build values.
PropertyValue TextValue(std::string text);
PropertyValue NumberValue(int64_t number);
PropertyValue DurationValue(Millis d);
PropertyValue ListValue(std::vector<std::string> list);
PropertyValue MapValue(std::map<std::string, std::string> map);

// Parses a scalar written in YAML or an environment variable. A list is read from a
// comma-separated scalar; a map cannot be (its entries are separate keys). The error is the
// detail only (what was expected), without key or location.
Result<PropertyValue> ParseScalar(const Property& p, std::string_view text);

struct ValueProblem {
  ConfigErrorKind kind;
  std::string detail;
};
// Range, allowed values and the row's own check.
std::optional<ValueProblem> CheckValue(const Property& p, const PropertyValue& v);

// The value as the documentation writes it: 5s, 1900, sha256, [a, b], text unquoted.
std::string FormatPlain(const Property& p, const PropertyValue& v);

// "1..100000", "1s..7d", "sha256, sha1, md5", or "" when unconstrained.
std::string RangeText(const Property& p);

// What a value of this type looks like, for "expected ..." messages.
std::string_view TypeExpectation(PropertyType type);

}  // namespace pinsync::config
