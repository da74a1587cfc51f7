#pragma once
// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.

#include <string_view>

namespace pinsync::decode {

bool IsValidUtf8(std::string_view bytes);

}  // namespace pinsync::decode
