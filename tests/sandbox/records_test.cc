#include "pinsync/sandbox/records.h"

#include <gtest/gtest.h>

#include "sandbox/test_hashes.h"

namespace pinsync::sandbox {
namespace {

using testing::Sha256Hex;

TEST(ParseHexHashTest, AcceptsMd5Sha1Sha256Lengths) {
  for (size_t length : {32u, 40u, 64u}) {
    auto id = ParseHexHash(std::string(length, 'a'));
    ASSERT_TRUE(id.has_value()) << length;
    EXPECT_EQ(id->length, length / 2);
    EXPECT_EQ(id->Hex(), std::string(length, 'a'));
  }
}

TEST(ParseHexHashTest, RejectsOtherLengthsUppercaseAndNonHex) {
  EXPECT_FALSE(ParseHexHash(std::string(31, 'a')));
  EXPECT_FALSE(ParseHexHash(std::string(63, 'a')));
  EXPECT_FALSE(ParseHexHash(std::string(64, 'A')));
  EXPECT_FALSE(ParseHexHash(std::string(63, 'a') + "g"));
  EXPECT_FALSE(ParseHexHash("user@example.com"));
}

TEST(ParseRecordsTest, SplitsOnCommasAndRoundTripsHex) {
  const std::string a = Sha256Hex(1), b = Sha256Hex(2);
  auto ids = ParseRecords(a + "," + b);
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ((*ids)[0].Hex(), a);
  EXPECT_EQ((*ids)[1].Hex(), b);
}

TEST(ParseRecordsTest, ToleratesOneTrailingCommaLikeTheContractExample) {
  auto ids = ParseRecords(Sha256Hex(1) + "," + Sha256Hex(2) + ",");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 2u);
}

TEST(ParseRecordsTest, RejectsEmptyElementsNamingThePosition) {
  auto doubled = ParseRecords(Sha256Hex(1) + ",," + Sha256Hex(2));
  ASSERT_FALSE(doubled.ok());
  EXPECT_EQ(doubled.error().code, ApiErrc::kBadRequest);
  EXPECT_NE(doubled.error().message.find("element 2"), std::string::npos);

  EXPECT_FALSE(ParseRecords("").ok());
  EXPECT_FALSE(ParseRecords(",").ok());
  EXPECT_FALSE(ParseRecords(Sha256Hex(1) + ",,").ok());
  EXPECT_FALSE(ParseRecords("," + Sha256Hex(1)).ok());
}

TEST(ParseRecordsTest, RejectsPlaintextWithoutEchoingIt) {
  auto result = ParseRecords(Sha256Hex(1) + ",alice@example.com");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("element 2"), std::string::npos);
  EXPECT_EQ(result.error().message.find("alice"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::sandbox
