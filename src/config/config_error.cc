// Reason strings for configuration problems; every kind must have one (no default case).
#include "pinsync/config/config_error.h"

namespace pinsync::config {

std::string_view ToString(ConfigErrorKind kind) {
  switch (kind) {
    case ConfigErrorKind::kUnreadableFile:
      return "cannot read file";
    case ConfigErrorKind::kInvalidYaml:
      return "invalid YAML";
    case ConfigErrorKind::kUnknownKey:
      return "unknown key";
    case ConfigErrorKind::kDuplicateKey:
      return "duplicate key";
    case ConfigErrorKind::kUnknownEnvironmentVariable:
      return "unknown environment override";
    case ConfigErrorKind::kWrongType:
      return "wrong type";
    case ConfigErrorKind::kOutOfRange:
      return "out of range";
    case ConfigErrorKind::kInvalidValue:
      return "invalid value";
    case ConfigErrorKind::kMissingRequired:
      return "missing required key";
    case ConfigErrorKind::kSecretInConfig:
      return "secret in configuration";
    case ConfigErrorKind::kUnreadableSecretFile:
      return "cannot read secret file";
    case ConfigErrorKind::kMissingCredentials:
      return "missing credentials";
  }
  return "unknown problem";
}

}  // namespace pinsync::config
