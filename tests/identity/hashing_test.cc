// Test vectors computed independently with coreutils, e.g.
//   printf %s ann@example.com | sha256sum
//   printf %s 6d92078a-8246-4ba4-ae5b-76104861e7dc | sha1sum

#include "pinsync/identity/hashing.h"

#include <cstring>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "identity/known_hashes.h"

namespace pinsync::identity {
namespace {

using namespace known_hashes;  // NOLINT: the shared test vectors

constexpr auto kSha256 = HashAlgorithm::kSha256;
constexpr auto kSha1 = HashAlgorithm::kSha1;
constexpr auto kMd5 = HashAlgorithm::kMd5;

std::string EmailHex(std::string_view email, HashAlgorithm a = kSha256) {
  auto r = HashEmail(email, a);
  return r.ok() ? r->Hex() : "rejected:" + std::string(Reason(r.error()));
}
std::string MaidHex(std::string_view maid, HashAlgorithm a = kSha256) {
  auto r = HashMaid(maid, a);
  return r.ok() ? r->Hex() : "rejected:" + std::string(Reason(r.error()));
}
std::string HashHex(std::string_view hex) {
  auto r = ParseSha256Hex(hex);
  return r.ok() ? r->Hex() : "rejected:" + std::string(Reason(r.error()));
}

constexpr std::string_view kAnnSha1 = "85e20fa15f500fa17c1b6975c6647445094c26d9";
constexpr std::string_view kAnnMd5 = "257c57037d384ae37ea27a07e8a01665";
constexpr std::string_view kIdfaSha1 = "d520a80c026be39edeb9c6e3f37c01f2da5f5e97";
constexpr std::string_view kIdfaMd5 = "0c2074fb86930fc4a2a7bb791240a7d3";

TEST(IdentifierErrc, ReasonStrings) {
  EXPECT_EQ(Reason(IdentifierErrc::kInvalidEmail), "invalid_email");
  EXPECT_EQ(Reason(IdentifierErrc::kInvalidMaid), "invalid_maid");
  EXPECT_EQ(Reason(IdentifierErrc::kInvalidHash), "invalid_hash");
}

TEST(HashEmail, KnownVectorsPerAlgorithm) {
  EXPECT_EQ(EmailHex("ann@example.com", kSha256), kAnnSha256);
  EXPECT_EQ(EmailHex("ann@example.com", kSha1), kAnnSha1);
  EXPECT_EQ(EmailHex("ann@example.com", kMd5), kAnnMd5);
  EXPECT_EQ(EmailHex("bob@example.org"),
            "686b5e4cf4f963adf8f51468a48028ef8d15bd02fa335f821279a3d1678c9615");
}

TEST(HashEmail, DigestLengthFollowsTheAlgorithm) {
  EXPECT_EQ(HashEmail("ann@example.com", kSha256)->length, 32);
  EXPECT_EQ(HashEmail("ann@example.com", kSha1)->length, 20);
  EXPECT_EQ(HashEmail("ann@example.com", kMd5)->length, 16);
  // Unused bytes stay zero, so equal identifiers compare equal.
  const HashedId md5 = *HashEmail("ann@example.com", kMd5);
  for (size_t i = 16; i < md5.bytes.size(); ++i) EXPECT_EQ(md5.bytes[i], 0) << i;
}

TEST(HashEmail, MessyButValidInputNormalizesToTheSameHash) {
  for (std::string_view messy : {"Ann@Example.com", "  ann@example.com", "ann@example.com\t\n",
                                 " \r\vANN@EXAMPLE.COM\f ", "aNn@eXaMpLe.CoM"}) {
    EXPECT_EQ(EmailHex(messy), kAnnSha256) << "[" << messy << "]";
    EXPECT_EQ(EmailHex(messy, kSha1), kAnnSha1) << "[" << messy << "]";
    EXPECT_EQ(EmailHex(messy, kMd5), kAnnMd5) << "[" << messy << "]";
  }
}

TEST(HashEmail, AcceptsPlausibleUnusualAddresses) {
  for (std::string_view ok : {"a@b.c", "first.last+tag@sub.example.co.uk", "o'brien@example.ie",
                              "user@xn--bcher-kva.example", "j\xc3\xb6rg@example.de"}) {
    EXPECT_TRUE(HashEmail(ok, kSha256).ok()) << ok;
  }
  // Only ASCII letters are lowercased: non-ASCII bytes are hashed as they are.
  EXPECT_NE(EmailHex("J\xc3\x96RG@example.de"), EmailHex("j\xc3\xb6rg@example.de"));
  EXPECT_EQ(EmailHex("J\xc3\xb6RG@example.de"), EmailHex("j\xc3\xb6rg@example.de"));
}

TEST(HashEmail, RejectsImplausibleAddresses) {
  const std::string too_long = std::string(243, 'a') + "@example.com";  // 255 characters
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "",
           "   ",
           "annexample.com",                           // no @
           "ann@example@com",                          // two @
           "ann@@example.com",                         // two @
           "ann@examplecom",                           // no dot in the domain
           "@example.com",                             // empty local part
           "ann@",                                     // empty domain
           "ann@.com",                                 // domain starts with a dot
           "ann@example.",                             // domain ends with a dot
           "ann @example.com",                         // space inside
           "ann@exam\tple.com",                        // tab inside
           "ann@example.com\x01",                      // control character (not trimmed)
           "ann\x7f@example.com",                      // DEL
           std::string_view("ann\0@example.com", 16),  // NUL inside
           std::string_view(too_long),
       }) {
    EXPECT_EQ(EmailHex(bad), "rejected:invalid_email") << "[" << bad << "]";
  }
  const std::string longest = std::string(242, 'a') + "@example.com";  // 254 characters
  EXPECT_TRUE(HashEmail(longest, kSha256).ok());
  EXPECT_TRUE(HashEmail("  " + longest + "  ", kSha256).ok());  // trimmed before the limit
}

TEST(HashMaid, KnownVectorsPerAlgorithm) {
  EXPECT_EQ(MaidHex("6d92078a-8246-4ba4-ae5b-76104861e7dc", kSha256), kIdfaSha256);
  EXPECT_EQ(MaidHex("6d92078a-8246-4ba4-ae5b-76104861e7dc", kSha1), kIdfaSha1);
  EXPECT_EQ(MaidHex("6d92078a-8246-4ba4-ae5b-76104861e7dc", kMd5), kIdfaMd5);
  EXPECT_EQ(MaidHex("38400000-8cf0-11bd-b23e-10b96e40000d"), kGaidSha256);
}

TEST(HashMaid, MessyButValidInputNormalizesToTheSameHash) {
  for (std::string_view messy :
       {"6D92078A-8246-4BA4-AE5B-76104861E7DC", "  6d92078a-8246-4ba4-ae5b-76104861e7dc\n",
        "\t6D92078a-8246-4Ba4-aE5B-76104861e7DC "}) {
    EXPECT_EQ(MaidHex(messy), kIdfaSha256) << "[" << messy << "]";
  }
}

TEST(HashMaid, RejectsMalformedIds) {
  for (std::string_view bad : {
           "",
           "6d92078a-8246-4ba4-ae5b-76104861e7d",     // short
           "6d92078a-8246-4ba4-ae5b-76104861e7dc0",   // long
           "6d92078a-8246-4ba4-ae5b-76104861e7dg",    // non-hex
           "6d92078a82464ba4ae5b76104861e7dc",        // no dashes
           "6d92078a-82464-ba4-ae5b-76104861e7dc",    // dash misplaced
           "6d92078a_8246_4ba4_ae5b_76104861e7dc",    // wrong separator
           "{6d92078a-8246-4ba4-ae5b-76104861e7dc}",  // braces
           "6d92078a-8246-4ba4-ae5b 76104861e7dc",    // space inside
           "00000000-0000-0000-0000-000000000000",    // the opt-out id
           "ann@example.com",
       }) {
    EXPECT_EQ(MaidHex(bad), "rejected:invalid_maid") << "[" << bad << "]";
  }
}

TEST(ParseSha256Hex, PassesThroughAsRawBytes) {
  const auto id = ParseSha256Hex(kAnnSha256);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->length, 32);
  EXPECT_EQ(id->bytes[0], 0x71);
  EXPECT_EQ(id->bytes[31], 0x76);
  EXPECT_EQ(id->Hex(), kAnnSha256);
  EXPECT_EQ(*id, *HashEmail("Ann@Example.com", kSha256));  // same record as the plaintext
}

TEST(ParseSha256Hex, UppercaseAndWhitespaceAreNormalized) {
  EXPECT_EQ(HashHex("71D4F55F72FA128DFB468A1A3901507C804B74316488744D769D7F4B16696476"),
            kAnnSha256);
  EXPECT_EQ(HashHex("  " + std::string(kAnnSha256) + "\n"), kAnnSha256);
}

TEST(ParseSha256Hex, RejectsWrongLengthOrNonHex) {
  const std::string hex(kAnnSha256);
  for (const std::string& bad : {
           std::string(),
           hex.substr(0, 63),
           hex + "0",
           hex.substr(0, 63) + "g",
           "0x" + hex.substr(0, 62),
           hex.substr(0, 31) + " " + hex.substr(32),
           std::string(kAnnSha1),
           std::string(64, 'z'),
       }) {
    EXPECT_EQ(HashHex(bad), "rejected:invalid_hash") << "[" << bad << "]";
  }
}

TEST(HashMaid, EveryPositionChecksItsCharacterClass) {
  const std::string valid = "6d92078a-8246-4ba4-ae5b-76104861e7dc";
  // Bytes next to the hex ranges, and ones that `| 0x20` would turn into hex or a dash.
  for (char bad : {'/', ':', '@', 'G', '`', 'g', '&', '\x8d', '\xe1', '\r', '\x10', '\x19', '\0'}) {
    for (size_t i = 0; i < valid.size(); ++i) {
      std::string id = valid;
      id[i] = bad;
      EXPECT_EQ(MaidHex(id), "rejected:invalid_maid") << "byte " << int(bad) << " at " << i;
    }
  }
  for (size_t dash : {8, 13, 18, 23}) {
    std::string id = valid;
    id[dash] = 'a';
    EXPECT_EQ(MaidHex(id), "rejected:invalid_maid") << "hex instead of the dash at " << dash;
  }
  EXPECT_NE(MaidHex("00000000-0000-0000-0000-000000000001"), "rejected:invalid_maid")
      << "only the all-zero id is the opt-out";
}

TEST(Digest, Sha256MatchesOpenSslEvpAcrossBlockBoundaries) {
  std::string text;
  for (size_t length = 0; length <= 200; ++length) {
    unsigned char expected[EVP_MAX_MD_SIZE];
    unsigned int expected_length = 0;
    ASSERT_EQ(
        EVP_Digest(text.data(), text.size(), expected, &expected_length, EVP_sha256(), nullptr), 1);
    const HashedId got = Digest(text, kSha256);
    ASSERT_EQ(got.length, expected_length);
    EXPECT_EQ(std::memcmp(got.bytes.data(), expected, expected_length), 0) << length << " bytes";
    text.push_back(static_cast<char>('a' + length % 26));
  }
}

TEST(CheckHashAlgorithm, AllConfiguredAlgorithmsAreAvailable) {
  for (auto a : {kSha256, kSha1, kMd5}) EXPECT_TRUE(CheckHashAlgorithm(a).ok()) << ToString(a);
}

TEST(Digest, MatchesCoreutilsForEmptyInput) {
  EXPECT_EQ(Digest("", kSha256).Hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Digest("", kSha1).Hex(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Digest("", kMd5).Hex(), "d41d8cd98f00b204e9800998ecf8427e");
}

}  // namespace
}  // namespace pinsync::identity
