#pragma once
// Paths and file contents of the repository under test, and the metric names its code exports.

#include <filesystem>
#include <set>
#include <string>

namespace pinsync::deploy_test {

std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();

// The whole file; a missing file is a test failure, reported by the caller (empty string).
std::string ReadFile(const std::filesystem::path& path);

// Every "pinsync_..." string literal in src/ and include/: the metric names the code registers.
std::set<std::string> MetricNamesInCode();

// Metric families agreed in issue 8's metrics contract (per-audience figures, Pinterest's view of
// each list, readiness) that the dashboard and rules read. Their code comes from sibling branches
// of that issue; until it is merged the "exported by the code" checks accept these names, and
// once it is they are in MetricNamesInCode() anyway. Also: families an idle process cannot show
// (a series exists once an audience has had changes, or after the first Pinterest view sweep).
const std::set<std::string>& AudienceMetricNames();

// MetricNamesInCode() plus AudienceMetricNames().
std::set<std::string> MetricNamesKnown();

// The pinsync_* metric names a PromQL expression reads, with a histogram's _bucket, _sum and
// _count suffix removed when the base name is what the code registers.
std::set<std::string> MetricNamesInExpression(const std::string& expr,
                                              const std::set<std::string>& known);

// The pinsync executable if it has been built (its path moves with the app's CMake), else empty.
std::filesystem::path PinsyncBinary();

}  // namespace pinsync::deploy_test
