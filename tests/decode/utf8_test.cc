#include "utf8.h"

#include <string>

#include <gtest/gtest.h>

namespace pinsync::decode {
namespace {

TEST(Utf8, AcceptsValidText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii, long enough for the 8-byte fast path"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9"));           // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));          // U+D7FF, last before surrogates
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));          // U+E000, first after surrogates
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
  EXPECT_TRUE(
      IsValidUtf8("0123456\xc3\xa9"
                  "0123456"));  // multibyte across the 8-byte window
}

TEST(Utf8, RejectsInvalidText) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // stray continuation
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xe2\x82"));  // truncated after the fast path
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // overlong 4-byte
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));      // U+DFFF surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));  // invalid lead
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));  // lead followed by ASCII
  EXPECT_FALSE(IsValidUtf8("\xe2\x28\xa1"));
}

// The ASCII fast path skips 8 bytes at a time: a bad or multi-byte sequence must be
// seen wherever it falls relative to those blocks.
TEST(Utf8, ChecksEveryPositionOfLongText) {
  const std::string ascii(100, 'a');
  for (size_t i = 0; i < ascii.size(); ++i) {
    std::string stray = ascii;
    stray[i] = '\x80';
    EXPECT_FALSE(IsValidUtf8(stray)) << "stray continuation byte at " << i;
    std::string accented = ascii;
    accented.replace(i, 1, "\xc3\xa9");
    EXPECT_TRUE(IsValidUtf8(accented)) << "two-byte sequence at " << i;
    std::string cut = ascii.substr(0, i) + "\xc3";
    EXPECT_FALSE(IsValidUtf8(cut)) << "truncated sequence at the end, " << i << " bytes in";
  }
}

// ScanUtf8 agrees with IsValidUtf8 and finds a NUL or a backslash wherever it falls, in the
// 8-byte fast path or in the byte-by-byte tail, before or after a multi-byte character.
TEST(Utf8, ScanFindsNulAndBackslashAtEveryPosition) {
  EXPECT_TRUE(ScanUtf8("").valid);
  const std::string base = std::string(30, 'a') + "\xc3\xa9" + std::string(30, 'b');
  const Utf8Scan plain = ScanUtf8(base);
  EXPECT_TRUE(plain.valid);
  EXPECT_FALSE(plain.has_nul);
  EXPECT_FALSE(plain.has_backslash);
  for (size_t i = 0; i < base.size(); ++i) {
    if (static_cast<unsigned char>(base[i]) >= 0x80) continue;
    std::string nul = base;
    nul[i] = '\0';
    const Utf8Scan with_nul = ScanUtf8(nul);
    EXPECT_TRUE(with_nul.valid && with_nul.has_nul && !with_nul.has_backslash) << "NUL at " << i;
    std::string slash = base;
    slash[i] = '\\';
    const Utf8Scan with_slash = ScanUtf8(slash);
    EXPECT_TRUE(with_slash.valid && with_slash.has_backslash && !with_slash.has_nul)
        << "backslash at " << i;
    std::string stray = base;
    stray[i] = '\x80';
    EXPECT_FALSE(ScanUtf8(stray).valid) << "stray continuation byte at " << i;
    EXPECT_EQ(ScanUtf8(stray).valid, IsValidUtf8(stray));
  }
  // Near misses: '|' (0x7C) differs from '\\' (0x5C) in one bit, 0x01 from NUL in one.
  const Utf8Scan near = ScanUtf8(std::string(16, '|') + "\x01\x7f");
  EXPECT_TRUE(near.valid && !near.has_nul && !near.has_backslash);
}

}  // namespace
}  // namespace pinsync::decode
