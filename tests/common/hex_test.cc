#include "pinsync/common/hex.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "pinsync/common/model.h"

namespace pinsync {
namespace {

TEST(HexTest, EveryByteValueIsTwoLowercaseDigits) {
  for (int b = 0; b < 256; ++b) {
    char expected[3];
    std::snprintf(expected, sizeof expected, "%02x", b);
    const uint8_t byte = static_cast<uint8_t>(b);
    EXPECT_EQ(ToHex({&byte, 1}), expected) << b;
  }
}

TEST(HexTest, WriteHexWritesTwoCharactersPerByteAndReturnsTheEnd) {
  const std::array<uint8_t, 3> bytes = {0x00, 0xab, 0xff};
  std::string out = "[------]";
  char* end = WriteHex(bytes, out.data() + 1);
  EXPECT_EQ(end, out.data() + 7);
  EXPECT_EQ(out, "[00abff]") << "nothing written outside the six characters";
  EXPECT_EQ(ToHex({}), "");
}

TEST(HexTest, HashedIdHexCoversItsLengthOnly) {
  HashedId id;
  id.bytes[0] = 0x12;
  id.bytes[1] = 0xef;
  id.bytes[2] = 0x77;  // past the length: not part of the id
  id.length = 2;
  EXPECT_EQ(id.Hex(), "12ef");
  id.length = 32;
  EXPECT_EQ(id.Hex().size(), 64u);
  EXPECT_EQ(id.Hex().substr(0, 6), "12ef77");
}

}  // namespace
}  // namespace pinsync
