#pragma once
// ASCII upper case, for identifiers that upstreams send in upper case (IDFAs, hex digests).

#include <cctype>
#include <string>

namespace pinsync::demo {

inline std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace pinsync::demo
