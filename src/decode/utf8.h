#pragma once
// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.

#include <string_view>

namespace pinsync::decode {

bool IsValidUtf8(std::string_view bytes);

// One pass over a message value: whether it is valid UTF-8, and, when it is, whether it holds a
// NUL byte (the in-place JSON parser stops at one) or a backslash. Without a backslash the JSON
// text has no escapes, so every string the parser returns is a verbatim slice of the value
// between two '"' bytes, whole characters of already valid UTF-8: it needs no second check.
struct Utf8Scan {
  bool valid = true;
  bool has_nul = false;        // meaningful when valid
  bool has_backslash = false;  // meaningful when valid
};
Utf8Scan ScanUtf8(std::string_view bytes);

}  // namespace pinsync::decode
