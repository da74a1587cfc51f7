#include "pinsync/sandbox/api_error.h"

namespace pinsync::sandbox {

int HttpStatus(ApiErrc code) {
  switch (code) {
    case ApiErrc::kBadRequest:
      return 400;
    case ApiErrc::kUnauthorized:
      return 401;
    case ApiErrc::kForbidden:
      return 403;
    case ApiErrc::kNotFound:
      return 404;
    case ApiErrc::kMethodNotAllowed:
      return 405;
    case ApiErrc::kUnsupportedMediaType:
      return 415;
    case ApiErrc::kPayloadTooLarge:
      return 413;
    case ApiErrc::kTooManyRequests:
      return 429;
    case ApiErrc::kInternal:
      return 500;
    case ApiErrc::kUnavailable:
      return 503;
  }
  return 500;
}

std::string_view ToString(ApiErrc code) {
  switch (code) {
    case ApiErrc::kBadRequest:
      return "Bad Request";
    case ApiErrc::kUnauthorized:
      return "Unauthorized";
    case ApiErrc::kForbidden:
      return "Forbidden";
    case ApiErrc::kNotFound:
      return "Not Found";
    case ApiErrc::kMethodNotAllowed:
      return "Method Not Allowed";
    case ApiErrc::kUnsupportedMediaType:
      return "Unsupported Media Type";
    case ApiErrc::kPayloadTooLarge:
      return "Payload Too Large";
    case ApiErrc::kTooManyRequests:
      return "Too Many Requests";
    case ApiErrc::kInternal:
      return "Internal Server Error";
    case ApiErrc::kUnavailable:
      return "Service Unavailable";
  }
  return "Unknown";
}

}  // namespace pinsync::sandbox
