#include "utf8.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pinsync::decode {

namespace {

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* end = p + bytes.size();
  while (p < end) {
    // Events are mostly ASCII: skip 8 ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    const uint8_t b0 = *p;
    if (b0 < 0x80) {
      ++p;
      continue;
    }
    const std::ptrdiff_t left = end - p;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      if (left < 2 || !IsContinuation(p[1])) return false;
      p += 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      if (left < 3 || !IsContinuation(p[1]) || !IsContinuation(p[2])) return false;
      if (b0 == 0xE0 && p[1] < 0xA0) return false;  // overlong
      if (b0 == 0xED && p[1] > 0x9F) return false;  // UTF-16 surrogate
      p += 3;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      if (left < 4 || !IsContinuation(p[1]) || !IsContinuation(p[2]) || !IsContinuation(p[3])) {
        return false;
      }
      if (b0 == 0xF0 && p[1] < 0x90) return false;  // overlong
      if (b0 == 0xF4 && p[1] > 0x8F) return false;  // above U+10FFFF
      p += 4;
    } else {
      return false;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
    }
  }
  return true;
}

}  // namespace pinsync::decode
