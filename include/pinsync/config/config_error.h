#pragma once
// The kinds of configuration problem; each message starts with where, then the key, then one of
// these reasons, then what was wrong and what to do.

#include <string_view>

namespace pinsync::config {

enum class ConfigErrorKind {
  kUnreadableFile,
  kInvalidYaml,
  kUnknownKey,
  kDuplicateKey,
  kUnknownEnvironmentVariable,
  kWrongType,
  kOutOfRange,
  kInvalidValue,
  kMissingRequired,
  kSecretInConfig,
  kUnreadableSecretFile,
  kMissingCredentials,
};

std::string_view ToString(ConfigErrorKind kind);

}  // namespace pinsync::config
