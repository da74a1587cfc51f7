#include "utf8.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pinsync::decode {

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;
constexpr uint64_t kLowBits = 0x0101010101010101ull;

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Nonzero iff one of the eight bytes of `word` is zero (exact when no byte has its high bit set).
uint64_t ZeroByteIn(uint64_t word) { return (word - kLowBits) & ~word & kHighBits; }

// The length of the valid non-ASCII sequence at p (b0 = *p >= 0x80), or 0 if it is not valid.
std::ptrdiff_t MultibyteLength(const uint8_t* p, std::ptrdiff_t left) {
  const uint8_t b0 = *p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return left >= 2 && IsContinuation(p[1]) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !IsContinuation(p[1]) || !IsContinuation(p[2])) return 0;
    if (b0 == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (b0 == 0xED && p[1] > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !IsContinuation(p[1]) || !IsContinuation(p[2]) || !IsContinuation(p[3])) {
      return 0;
    }
    if (b0 == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && p[1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
}

// The one validation loop. With kNoteAscii it also notes NUL and backslash bytes; without, that
// bookkeeping compiles away (IsValidUtf8).
template <bool kNoteAscii>
Utf8Scan Scan(std::string_view bytes) {
  constexpr uint64_t kBackslashes = kLowBits * '\\';
  Utf8Scan scan;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* end = p + bytes.size();
  while (p < end) {
    // Events are mostly ASCII: 8 ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & kHighBits) == 0) {
        if constexpr (kNoteAscii) {
          scan.has_nul |= ZeroByteIn(word) != 0;
          scan.has_backslash |= ZeroByteIn(word ^ kBackslashes) != 0;
        }
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      if constexpr (kNoteAscii) {
        scan.has_nul |= *p == 0;
        scan.has_backslash |= *p == '\\';
      }
      ++p;
      continue;
    }
    const std::ptrdiff_t length = MultibyteLength(p, end - p);
    if (length == 0) return Utf8Scan{.valid = false};
    p += length;
  }
  return scan;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) { return Scan<false>(bytes).valid; }

Utf8Scan ScanUtf8(std::string_view bytes) { return Scan<true>(bytes); }

}  // namespace pinsync::decode
