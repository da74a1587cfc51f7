#include "repo_files.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace pinsync::deploy_test {

namespace fs = std::filesystem;

fs::path SourceDir() { return PINSYNC_SOURCE_DIR; }
fs::path BinaryDir() { return PINSYNC_BINARY_DIR; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> MetricNamesInCode() {
  static const std::regex kLiteral("\"(pinsync_[a-z0-9_]+)\"");
  std::set<std::string> names;
  for (const char* root : {"src", "include"}) {
    const fs::path dir = SourceDir() / root;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const auto ext = entry.path().extension();
      if (ext != ".cc" && ext != ".h") continue;
      const std::string text = ReadFile(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), kLiteral), end; it != end; ++it) {
        names.insert((*it)[1].str());
      }
    }
  }
  return names;
}

const std::set<std::string>& AudienceMetricNames() {
  static const std::set<std::string> kNames = {
      "pinsync_audience_changes_total",
      "pinsync_audience_records_synced_total",
      "pinsync_audience_records_not_synced_total",
      "pinsync_audience_records_pending",
      "pinsync_audience_oldest_pending_age_seconds",
      "pinsync_audience_records_errored_total",
      "pinsync_audience_last_sync_timestamp_seconds",
      "pinsync_audience_series_folded",
      "pinsync_pinterest_list_status",
      "pinsync_pinterest_list_uploaded_records",
      "pinsync_pinterest_list_removed_records",
      "pinsync_pinterest_audience_size",
      "pinsync_pinterest_audience_status",
      "pinsync_pinterest_list_full",
      "pinsync_pinterest_view_sweeps_total",
      "pinsync_pinterest_view_age_seconds",
      "pinsync_ready",
  };
  return kNames;
}

std::set<std::string> MetricNamesKnown() {
  std::set<std::string> names = MetricNamesInCode();
  names.insert(AudienceMetricNames().begin(), AudienceMetricNames().end());
  return names;
}

std::set<std::string> MetricNamesInExpression(const std::string& expr,
                                              const std::set<std::string>& known) {
  // A recording rule's name ("pinsync:...") has a colon after "pinsync", so it never matches.
  static const std::regex kName("(^|[^a-zA-Z0-9_:])(pinsync_[a-z0-9_]+)");
  std::set<std::string> names;
  for (std::sregex_iterator it(expr.begin(), expr.end(), kName), end; it != end; ++it) {
    std::string name = (*it)[2].str();
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (name.size() > s.size() && name.ends_with(s)) {
        const std::string base = name.substr(0, name.size() - s.size());
        if (known.contains(base)) name = base;
      }
    }
    names.insert(name);
  }
  return names;
}

fs::path PinsyncBinary() {
  for (const fs::path& candidate :
       {BinaryDir() / "src" / "app" / "pinsync", BinaryDir() / "pinsync"}) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return {};
}

}  // namespace pinsync::deploy_test
