// Row lookup by key segments, and "did you mean" suggestions by edit distance.
#include "key_lookup.h"

#include <algorithm>

namespace pinsync::config {
namespace {

bool IsPosition(const std::string& segment) {
  return !segment.empty() && segment.size() <= 9 &&
         std::all_of(segment.begin(), segment.end(),
                     [](char ch) { return ch >= '0' && ch <= '9'; });
}

// Matches the first segments.size() segments of the row's name; fills the audience id (or the
// list position) if any.
bool MatchesPrefix(const std::vector<std::string>& name, const std::vector<std::string>& segments,
                   KeyMatch* match) {
  if (segments.size() > name.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (name[i] == kAudienceIdSegment) {
      if (match != nullptr) match->audience_id = segments[i];
    } else if (name[i] == kListIndexSegment) {
      if (!IsPosition(segments[i])) return false;
      if (match != nullptr) {
        match->audience_id = segments[i];
        match->list_item = true;
      }
    } else if (name[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string JoinKey(const std::vector<std::string>& segments) {
  std::string out;
  for (const std::string& s : segments) out.append(out.empty() ? "" : ".").append(s);
  return out;
}

std::optional<KeyMatch> FindProperty(const std::vector<std::string>& segments) {
  for (const Property& p : Properties()) {
    const std::vector<std::string> name = SplitKey(p.name);
    KeyMatch match;
    if (name.size() == segments.size() && MatchesPrefix(name, segments, &match)) {
      match.property = &p;
      return match;
    }
  }
  return std::nullopt;
}

bool IsSectionOf(const std::vector<std::string>& segments) {
  for (const Property& p : Properties()) {
    const std::vector<std::string> name = SplitKey(p.name);
    if (segments.size() < name.size() && MatchesPrefix(name, segments, nullptr)) return true;
  }
  return false;
}

bool IsListSection(const std::vector<std::string>& segments) {
  for (const Property& p : Properties()) {
    const std::vector<std::string> name = SplitKey(p.name);
    if (segments.size() < name.size() && name[segments.size()] == kListIndexSegment &&
        MatchesPrefix(name, segments, nullptr)) {
      return true;
    }
  }
  return false;
}

std::string SuggestKey(const std::vector<std::string>& segments) {
  const std::string given = JoinKey(segments);
  std::string best;
  size_t best_distance = std::max<size_t>(3, given.size() / 4) + 1;
  for (const Property& p : Properties()) {
    std::vector<std::string> name = SplitKey(p.name);
    for (size_t i = 0; i < name.size(); ++i) {
      const bool placeholder = name[i] == kAudienceIdSegment || name[i] == kListIndexSegment;
      if (placeholder && i < segments.size()) name[i] = segments[i];
    }
    // Compare against the row's name cut to the same depth, so a misspelt section is found too.
    std::vector<std::string> cut(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                  name.size(), segments.size())));
    for (const std::string& candidate : {JoinKey(name), JoinKey(cut)}) {
      const size_t d = EditDistance(given, candidate);
      if (d < best_distance && d > 0) {
        best_distance = d;
        best = candidate;
      }
    }
  }
  return best;
}

}  // namespace pinsync::config
