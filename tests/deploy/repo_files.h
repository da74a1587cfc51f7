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

// The pinsync_* metric names a PromQL expression reads, with a histogram's _bucket, _sum and
// _count suffix removed when the base name is what the code registers.
std::set<std::string> MetricNamesInExpression(const std::string& expr,
                                              const std::set<std::string>& known);

// The pinsync executable if it has been built (its path moves with the app's CMake), else empty.
std::filesystem::path PinsyncBinary();

}  // namespace pinsync::deploy_test
