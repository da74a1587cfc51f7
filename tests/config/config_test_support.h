#pragma once
// Shared fixtures for the configuration tests: a minimal valid file and an environment with a
// token, so each test changes only what it is about.

#include <string>

#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/config/environment.h"

namespace pinsync::config::testing {

inline constexpr char kToken[] = "pina_TEST_TOKEN_7f3e9c1d";

// The required keys only.
std::string MinimalYaml();

// PINTEREST_ACCESS_TOKEN set to kToken.
Environment TokenEnv();

// A fresh empty directory for files a test writes.
std::string TempDir();

// Writes text to dir/name and returns the path.
std::string WriteFile(const std::string& dir, const std::string& name, const std::string& text);

// The error message of a failed result, or a note that it unexpectedly succeeded.
template <class T>
std::string ErrorOf(const Result<T>& r) {
  return r.ok() ? std::string("<loaded without error>") : r.error().message;
}

}  // namespace pinsync::config::testing
