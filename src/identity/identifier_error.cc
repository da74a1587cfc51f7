#include "pinsync/identity/identifier_error.h"

namespace pinsync::identity {

std::string_view Reason(IdentifierErrc code) {
  switch (code) {
    case IdentifierErrc::kInvalidEmail:
      return "invalid_email";
    case IdentifierErrc::kInvalidMaid:
      return "invalid_maid";
    case IdentifierErrc::kInvalidHash:
      return "invalid_hash";
  }
  return "unknown";
}

}  // namespace pinsync::identity
