#pragma once
// Finding the table row for a key given as segments (from YAML nesting or an environment
// variable), and suggesting the closest known key for a misspelt one.

#include <optional>
#include <string>
#include <vector>

#include "property_table.h"

namespace pinsync::config {

struct KeyMatch {
  const Property* property = nullptr;
  std::string audience_id;  // for audiences.<audience_id>.* rows; the position for list rows
  bool list_item = false;   // an inputs.<n>.* row: audience_id holds the entry's position
};

// The row whose name matches all of segments exactly (the audience segment matches any id).
std::optional<KeyMatch> FindProperty(const std::vector<std::string>& segments);

// True when segments are the leading part of some row's name (a section to descend into).
bool IsSectionOf(const std::vector<std::string>& segments);

// True when segments name a list section (inputs): its value is a YAML list of entries.
bool IsListSection(const std::vector<std::string>& segments);

// The closest key to the dotted one given, with the audience id filled in, or "".
std::string SuggestKey(const std::vector<std::string>& segments);

// "a.b.c" from segments.
std::string JoinKey(const std::vector<std::string>& segments);

}  // namespace pinsync::config
