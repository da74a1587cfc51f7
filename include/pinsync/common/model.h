#pragma once
// The vocabulary of the data path, shared by every stage.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "pinsync/common/hex.h"

namespace pinsync {

enum class MembershipOp : uint8_t { kAdd, kRemove };

// Pinterest customer lists have one list_type each; an audience maps to one list per type.
enum class ListType : uint8_t { kEmail, kMaid };

inline std::string_view ToString(ListType t) {
  switch (t) {
    case ListType::kEmail:
      return "EMAIL";
    case ListType::kMaid:
      return "MAID";
  }
  return "?";
}

inline std::string_view ToString(MembershipOp op) {
  switch (op) {
    case MembershipOp::kAdd:
      return "add";
    case MembershipOp::kRemove:
      return "remove";
  }
  return "?";
}

// How identifiers are hashed before they leave the normalizer. Pinterest accepts all three.
enum class HashAlgorithm : uint8_t { kSha256, kSha1, kMd5 };

inline std::string_view ToString(HashAlgorithm a) {
  switch (a) {
    case HashAlgorithm::kSha256:
      return "sha256";
    case HashAlgorithm::kSha1:
      return "sha1";
    case HashAlgorithm::kMd5:
      return "md5";
  }
  return "?";
}

// A hashed identifier as raw bytes: 32 for SHA-256, 20 for SHA-1, 16 for MD5 (zero-padded).
// Raw bytes, not hex, so a buffered record stays small.
struct HashedId {
  std::array<uint8_t, 32> bytes{};
  uint8_t length = 0;

  friend bool operator==(const HashedId& a, const HashedId& b) {
    return a.length == b.length && a.bytes == b.bytes;
  }
  // Lowercase hex, the form Pinterest receives.
  std::string Hex() const { return ToHex({bytes.data(), length}); }
  template <class H>
  friend H AbslHashValue(H h, const HashedId& id) {
    // Every byte, not a prefix: pre-hashed identifiers come from upstream, and ids that share
    // their first bytes (zero-padded, or not really SHA-256) would otherwise all collide and
    // turn each lookup of the aggregator into a scan.
    return H::combine(H::combine_contiguous(std::move(h), id.bytes.data(), id.length), id.length);
  }
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
  template <class H>
  friend H AbslHashValue(H h, const TopicPartition& tp) {
    return H::combine(std::move(h), tp.topic, tp.partition);
  }
};

}  // namespace pinsync
