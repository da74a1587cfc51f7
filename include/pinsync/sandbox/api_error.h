#pragma once
// The sandbox's rejections: each kind maps to one HTTP status and is sent in the contract's
// Error shape {"code": <status>, "message": "..."} (the contract's own example uses the status
// as the code).

#include <string>
#include <string_view>

#include "pinsync/common/result.h"

namespace pinsync::sandbox {

enum class ApiErrc {
  kBadRequest,            // 400: malformed body, field, enum, query parameter or records
  kUnauthorized,          // 401: missing, unknown or expired token
  kForbidden,             // 403: the ad account is forbidden (fault injection)
  kNotFound,              // 404: unknown customer list, audience or route
  kMethodNotAllowed,      // 405: known route, unsupported method
  kUnsupportedMediaType,  // 415: wrong Content-Type
  kPayloadTooLarge,       // 413: body above the sandbox's size cap
  kTooManyRequests,       // 429: rate limit (fault injection)
  kInternal,              // 500: injected server error
  kUnavailable,           // 503: injected unavailability
};

// The HTTP status for a kind of rejection.
int HttpStatus(ApiErrc code);
// A short reason phrase, e.g. "Bad Request".
std::string_view ToString(ApiErrc code);

struct ApiError {
  ApiErrc code = ApiErrc::kBadRequest;
  // What was wrong and where; never contains a record, hash or token.
  std::string message;
};

inline ApiError MakeApiError(ApiErrc code, std::string message) {
  return ApiError{code, std::move(message)};
}

// An ApiError as the error of a Result. A function rather than Unexpected(e): clang 14 has no
// parenthesized aggregate initialization.
inline Unexpected<ApiError> Failed(ApiError error) {
  return Unexpected<ApiError>{std::move(error)};
}

}  // namespace pinsync::sandbox
