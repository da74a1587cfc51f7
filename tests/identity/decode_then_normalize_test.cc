// The two stages together on the contract's full example (docs/events.md).

#include <gtest/gtest.h>

#include "pinsync/decode/event_decoder.h"
#include "pinsync/identity/identifier_normalizer.h"

namespace pinsync::identity {
namespace {

TEST(DecodeThenNormalize, FullExampleYieldsOneEmailAndTwoMaids) {
  // email_sha256 is the hash of Ann@Example.com and maid_sha256 that of the IDFA, so with
  // sha256 they collapse into the plaintext identifiers' hashes.
  constexpr std::string_view kEvent =
      R"({"audience_id":"vip","audience_name":"VIP shoppers","op":"add","user_id":"u-17",)"
      R"("identifiers":{"email":["Ann@Example.com"],"idfa":["6D92078A-8246-4BA4-AE5B-76104861E7DC"],)"
      R"("gaid":"38400000-8cf0-11bd-b23e-10b96e40000d",)"
      R"("email_sha256":"71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476",)"
      R"("maid_sha256":"31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376"},)"
      R"("ts":1732300000000})";
  const auto event = decode::EventDecoder().Decode("u-17", kEvent);
  ASSERT_TRUE(event.ok());
  const auto ids = IdentifierNormalizer(HashAlgorithm::kSha256).Normalize(event->identifiers);
  ASSERT_EQ(ids.email.size(), 1u);
  EXPECT_EQ(ids.email[0].Hex(), "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476");
  ASSERT_EQ(ids.maid.size(), 2u);
  EXPECT_EQ(ids.maid[0].Hex(), "31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376");
  EXPECT_EQ(ids.maid[1].Hex(), "d4181bb455a74b3bc8b37c75ac9b2c702eb6b9930bd040b861403b31ca85634d");
  EXPECT_EQ(ids.duplicates, 2u);
  EXPECT_EQ(ids.invalid_email + ids.invalid_maid + ids.invalid_hash, 0u);
}

TEST(DecodeThenNormalize, EventWithOnlyInvalidIdentifiersIsEmptyWithAReason) {
  const auto event = decode::EventDecoder().Decode(
      "u", R"({"audience_id":"a","op":"add","identifiers":{"gaid":"not-a-maid","email":"x"}})");
  ASSERT_TRUE(event.ok());  // the decoder does not validate identifier formats
  const auto ids = IdentifierNormalizer().Normalize(event->identifiers);
  EXPECT_TRUE(ids.empty());
  EXPECT_EQ(ids.FirstInvalidReason(), "invalid_email");  // email is checked first
}

}  // namespace
}  // namespace pinsync::identity
