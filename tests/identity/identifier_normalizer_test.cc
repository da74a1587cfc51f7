#include "pinsync/identity/identifier_normalizer.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "identity/known_hashes.h"
#include "pinsync/identity/hashing.h"

namespace pinsync::identity {
namespace {

using namespace known_hashes;  // NOLINT: the shared test vectors

using decode::RawIdentifiers;

constexpr std::string_view kBobSha256 =
    "686b5e4cf4f963adf8f51468a48028ef8d15bd02fa335f821279a3d1678c9615";

std::vector<std::string> Hexes(const std::vector<HashedId>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) out.push_back(id.Hex());
  return out;
}

TEST(IdentifierNormalizer, SplitsIdentifiersByList) {
  RawIdentifiers raw;
  raw.email = {"Ann@Example.com"};
  raw.idfa = {"6D92078A-8246-4BA4-AE5B-76104861E7DC"};
  raw.gaid = {"38400000-8cf0-11bd-b23e-10b96e40000d"};
  raw.email_sha256 = {std::string(kBobSha256)};
  const auto out = IdentifierNormalizer(HashAlgorithm::kSha256).Normalize(raw);
  EXPECT_THAT(Hexes(out.email), ::testing::ElementsAre(kAnnSha256, kBobSha256));
  EXPECT_THAT(Hexes(out.maid), ::testing::ElementsAre(kIdfaSha256, kGaidSha256));
  EXPECT_THAT(Hexes(out.For(ListType::kEmail)), ::testing::SizeIs(2));
  EXPECT_THAT(Hexes(out.For(ListType::kMaid)), ::testing::SizeIs(2));
  EXPECT_EQ(out.invalid_email + out.invalid_maid + out.invalid_hash, 0u);
  EXPECT_FALSE(out.empty());
  EXPECT_FALSE(out.first_invalid.has_value());
}

TEST(IdentifierNormalizer, MaidSha256GoesToTheMaidList) {
  RawIdentifiers raw;
  raw.maid_sha256 = {std::string(kGaidSha256)};
  const auto out = IdentifierNormalizer().Normalize(raw);
  EXPECT_TRUE(out.email.empty());
  EXPECT_THAT(Hexes(out.maid), ::testing::ElementsAre(kGaidSha256));
}

TEST(IdentifierNormalizer, InvalidIdentifiersAreDroppedAndCountedOthersKept) {
  RawIdentifiers raw;
  raw.email = {"not-an-email", "ann@example.com", "two@@example.com"};
  raw.idfa = {"short"};
  raw.gaid = {"38400000-8cf0-11bd-b23e-10b96e40000d"};
  raw.maid_sha256 = {"abc"};
  const auto out = IdentifierNormalizer().Normalize(raw);
  EXPECT_THAT(Hexes(out.email), ::testing::ElementsAre(kAnnSha256));
  EXPECT_THAT(Hexes(out.maid), ::testing::ElementsAre(kGaidSha256));
  EXPECT_EQ(out.invalid_email, 2u);
  EXPECT_EQ(out.invalid_maid, 1u);
  EXPECT_EQ(out.invalid_hash, 1u);
  EXPECT_FALSE(out.empty());
}

TEST(IdentifierNormalizer, DuplicatesWithinAnEventCollapse) {
  RawIdentifiers raw;
  raw.email = {"Ann@Example.com", " ann@example.com ", "ANN@EXAMPLE.COM", "bob@example.org"};
  raw.email_sha256 = {std::string(kAnnSha256)};  // the same record, pre-hashed
  raw.idfa = {"6D92078A-8246-4BA4-AE5B-76104861E7DC"};
  raw.gaid = {"6d92078a-8246-4ba4-ae5b-76104861e7dc"};
  raw.maid_sha256 = {std::string(kIdfaSha256)};
  const auto out = IdentifierNormalizer(HashAlgorithm::kSha256).Normalize(raw);
  EXPECT_THAT(Hexes(out.email), ::testing::ElementsAre(kAnnSha256, kBobSha256));
  EXPECT_THAT(Hexes(out.maid), ::testing::ElementsAre(kIdfaSha256));
  EXPECT_EQ(out.duplicates, 5u);
}

TEST(IdentifierNormalizer, ManyDuplicatesCollapseKeepingFirstSeenOrder) {
  RawIdentifiers raw;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) raw.email.push_back("user" + std::to_string(i) + "@example.com");
  }
  const auto out = IdentifierNormalizer().Normalize(raw);
  ASSERT_EQ(out.email.size(), 40u);
  EXPECT_EQ(out.duplicates, 80u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(out.email[i],
              *HashEmail("user" + std::to_string(i) + "@example.com", HashAlgorithm::kSha256));
  }
}

TEST(IdentifierNormalizer, AlgorithmAppliesToPlaintextPreHashedPassesThrough) {
  RawIdentifiers raw;
  raw.email = {"ann@example.com"};
  raw.email_sha256 = {std::string(kAnnSha256)};
  const auto out = IdentifierNormalizer(HashAlgorithm::kSha1).Normalize(raw);
  ASSERT_EQ(out.email.size(), 2u);  // different algorithms: not duplicates
  EXPECT_EQ(out.email[0].Hex(), "85e20fa15f500fa17c1b6975c6647445094c26d9");
  EXPECT_EQ(out.email[0].length, 20);
  EXPECT_EQ(out.email[1].Hex(), kAnnSha256);
  EXPECT_EQ(out.email[1].length, 32);

  const auto md5 = IdentifierNormalizer(HashAlgorithm::kMd5).Normalize(raw);
  EXPECT_EQ(md5.email[0].Hex(), "257c57037d384ae37ea27a07e8a01665");
}

TEST(IdentifierNormalizer, FirstInvalidReasonForDeadLettering) {
  IdentifierNormalizer normalizer;
  RawIdentifiers nothing;
  EXPECT_EQ(normalizer.Normalize(nothing).FirstInvalidReason(), "no_identifiers");
  EXPECT_TRUE(normalizer.Normalize(nothing).empty());

  RawIdentifiers bad_maid;
  bad_maid.idfa = {"nope"};
  bad_maid.maid_sha256 = {"nope"};
  const auto maid_out = normalizer.Normalize(bad_maid);
  EXPECT_TRUE(maid_out.empty());
  EXPECT_EQ(maid_out.FirstInvalidReason(), "invalid_maid");

  RawIdentifiers bad_hash;
  bad_hash.email_sha256 = {"abc"};
  bad_hash.gaid = {"nope"};
  EXPECT_EQ(normalizer.Normalize(bad_hash).FirstInvalidReason(), "invalid_hash");

  RawIdentifiers bad_email;
  bad_email.email = {"x"};
  bad_email.idfa = {"y"};
  EXPECT_EQ(normalizer.Normalize(bad_email).FirstInvalidReason(), "invalid_email");
}

TEST(IdentifierNormalizer, ReusedResultIsReplacedNotAppendedTo) {
  IdentifierNormalizer normalizer;
  RawIdentifiers messy;
  messy.email = {"ann@example.com", "bad", "ANN@example.com"};
  messy.idfa = {"6D92078A-8246-4BA4-AE5B-76104861E7DC", "nope"};
  RawIdentifiers clean;
  clean.email_sha256 = {std::string(kBobSha256)};

  NormalizedIdentifiers reused;
  normalizer.Normalize(messy, reused);
  EXPECT_THAT(Hexes(reused.email), ::testing::ElementsAre(kAnnSha256));
  EXPECT_EQ(reused.duplicates, 1u);
  normalizer.Normalize(clean, reused);
  const NormalizedIdentifiers fresh = normalizer.Normalize(clean);
  EXPECT_EQ(Hexes(reused.email), Hexes(fresh.email));
  EXPECT_TRUE(reused.maid.empty());
  EXPECT_EQ(reused.invalid_email, 0u);
  EXPECT_EQ(reused.invalid_maid, 0u);
  EXPECT_EQ(reused.duplicates, 0u);
  EXPECT_FALSE(reused.first_invalid.has_value());
  normalizer.Normalize(RawIdentifiers{}, reused);
  EXPECT_TRUE(reused.empty());
  EXPECT_EQ(reused.FirstInvalidReason(), "no_identifiers");
}

TEST(IdentifierNormalizer, ResultHoldsNoPlaintext) {
  // NormalizedIdentifiers has hashes and counts only: check the bytes of a result do not contain
  // the plaintext, even in unused HashedId bytes.
  RawIdentifiers raw;
  raw.email = {"plaintext.person@example.com"};
  const auto out = IdentifierNormalizer(HashAlgorithm::kMd5).Normalize(raw);
  ASSERT_EQ(out.email.size(), 1u);
  const auto& id = out.email[0];
  const std::string bytes(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  EXPECT_EQ(bytes.find("plain"), std::string::npos);
  EXPECT_EQ(bytes.find("example"), std::string::npos);
}

TEST(IdentityStats, CountsHashedInvalidAndDuplicates) {
  prometheus::Registry registry;
  IdentityStats stats = IdentityStats::Create(registry);
  IdentifierNormalizer normalizer(HashAlgorithm::kSha256, &stats);
  RawIdentifiers raw;
  raw.email = {"ann@example.com", "ANN@example.com", "bad", "worse@"};
  raw.gaid = {"38400000-8cf0-11bd-b23e-10b96e40000d", "00000000-0000-0000-0000-000000000000"};
  raw.email_sha256 = {"zz"};
  normalizer.Normalize(raw);
  // Hashed identifiers are tallied per message and reach the counters on Publish.
  EXPECT_EQ(stats.hashed_email.Value(), 0);
  EXPECT_EQ(stats.invalid[static_cast<size_t>(IdentifierErrc::kInvalidEmail)]->Value(), 2);
  stats.Publish();
  EXPECT_EQ(stats.hashed_email.Value(), 1);
  EXPECT_EQ(stats.hashed_maid.Value(), 1);
  EXPECT_EQ(stats.duplicates.Value(), 1);
  EXPECT_EQ(stats.invalid[static_cast<size_t>(IdentifierErrc::kInvalidEmail)]->Value(), 2);
  EXPECT_EQ(stats.invalid[static_cast<size_t>(IdentifierErrc::kInvalidMaid)]->Value(), 1);
  EXPECT_EQ(stats.invalid[static_cast<size_t>(IdentifierErrc::kInvalidHash)]->Value(), 1);

  // Labels are bounded: list types and reasons only.
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        EXPECT_THAT(label.value, ::testing::AnyOf("EMAIL", "MAID", "invalid_email", "invalid_maid",
                                                  "invalid_hash"));
      }
    }
  }
}

TEST(DocsContract, EveryIdentifierReasonIsDocumented) {
  std::ifstream in(std::string(PINSYNC_SOURCE_DIR) + "/docs/events.md");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  for (auto code : kAllIdentifierErrcs) {
    const std::string row = "| `" + std::string(Reason(code)) + "` |";
    EXPECT_NE(text.str().find(row), std::string::npos) << "docs/events.md lacks " << row;
  }
  EXPECT_NE(text.str().find("| `no_identifiers` |"), std::string::npos);
}

}  // namespace
}  // namespace pinsync::identity
