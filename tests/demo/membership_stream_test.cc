// The generated stream: deterministic, its ground truth is the net membership, and its messages
// are what the decoder and normalizer accept or reject with the promised reason.

#include "pinsync/demo/membership_stream.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "pinsync/decode/event_decoder.h"
#include "pinsync/identity/identifier_normalizer.h"

namespace pinsync::demo {
namespace {

TEST(MembershipStreamTest, SameSeedSameStream) {
  MembershipStream a({.events = 500, .seed = 7}), b({.events = 500, .seed = 7});
  for (int i = 0; i < 500; ++i) {
    auto x = a.Next(), y = b.Next();
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->key, y->key);
    EXPECT_EQ(x->value, y->value);
  }
  EXPECT_FALSE(a.Next().has_value());
  EXPECT_EQ(a.truth(), b.truth());
}

TEST(MembershipStreamTest, ManyAudiencesHaveDistinctIdsAndNames) {
  // Benchmarks ask for 50 audiences: past the 8 named ones they are numbered, all distinct.
  MembershipStream stream({.events = 10, .audiences = 50});
  ASSERT_EQ(stream.audiences().size(), 50u);
  std::set<std::string> ids, names;
  for (const auto& audience : stream.audiences()) {
    ids.insert(audience.id);
    names.insert(audience.name);
  }
  EXPECT_EQ(ids.size(), 50u);
  EXPECT_EQ(names.size(), 50u);
  EXPECT_EQ(stream.audiences()[0].id, "vip");
  EXPECT_EQ(stream.audiences()[49].id, "segment_49");
  EXPECT_EQ(MembershipStream({.audiences = 1000}).audiences().size(), 64u) << "capped";
}

TEST(MembershipStreamTest, Sha256HexMatchesKnownVector) {
  // printf %s ann@example.com | sha256sum
  EXPECT_EQ(Sha256Hex("ann@example.com"),
            "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476");
}

TEST(MembershipStreamTest, EveryMessageDecodesOrFailsWithItsExpectedReason) {
  MembershipStream stream({.events = 4000, .audiences = 5, .seed = 3, .malformed_share = 0.05});
  decode::EventDecoder decoder;
  identity::IdentifierNormalizer normalizer;
  size_t malformed = 0;
  // Replay the stream through pinsync's own decoder and normalizer and rebuild the truth.
  std::map<ListId, std::set<std::string>> rebuilt;
  while (auto message = stream.Next()) {
    auto event = decoder.Decode(message->key, message->value);
    if (message->expected_reason) {
      ++malformed;
      if (event.ok()) {
        auto ids = normalizer.Normalize(event->identifiers);
        ASSERT_TRUE(ids.empty()) << message->value;
        EXPECT_EQ(ids.FirstInvalidReason(), *message->expected_reason);
      } else {
        EXPECT_EQ(decode::Reason(event.error().code), *message->expected_reason);
      }
      continue;
    }
    ASSERT_TRUE(event.ok()) << event.error().detail;
    auto ids = normalizer.Normalize(event->identifiers);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.invalid_email + ids.invalid_maid + ids.invalid_hash, 0u);
    for (ListType type : {ListType::kEmail, ListType::kMaid}) {
      for (const HashedId& id : ids.For(type)) {
        auto& members = rebuilt[{event->audience_id, type}];
        if (event->op == MembershipOp::kAdd) {
          members.insert(id.Hex());
        } else {
          members.erase(id.Hex());
        }
      }
    }
  }
  EXPECT_GT(malformed, 100u);
  EXPECT_EQ(malformed, stream.malformed());
  EXPECT_EQ(stream.expected_dead_letters().size(), 7u) << "every kind of malformed message";
  size_t lists_with_members = 0;
  for (const auto& [list, truth] : stream.truth()) {
    EXPECT_EQ(rebuilt[list], truth.members) << list.first << " " << ToString(list.second);
    lists_with_members += truth.members.empty() ? 0 : 1;
  }
  EXPECT_EQ(lists_with_members, 10u) << "5 audiences x EMAIL and MAID";
}

}  // namespace
}  // namespace pinsync::demo
