#pragma once
// A decoded membership change: what the decoder hands to the normalizer.
// Identifiers are still plaintext here; the normalizer hashes them. The consumer thread decodes
// into one event it reuses (MessageDecoder::DecodeInto): nothing in it outlives the next message.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"

namespace pinsync::decode {

// The values of one identifier kind, in arrival order. Unlike a vector of strings it keeps its
// strings' buffers when cleared: the consumer thread decodes every message into one reused
// MembershipEvent, and once warm that allocates nothing per message (issue 10). What is kept is
// bounded: at most kKeptValues strings of at most kKeptCapacity bytes each survive a clear().
class IdentifierValues {
 public:
  using value_type = std::string;
  using size_type = size_t;
  using const_iterator = std::vector<std::string>::const_iterator;
  using iterator = const_iterator;  // read-only outside the decoders

  static constexpr size_t kKeptValues = 8;
  static constexpr size_t kKeptCapacity = 256;

  IdentifierValues() = default;
  IdentifierValues(std::initializer_list<std::string_view> values) {  // NOLINT: like a vector
    for (std::string_view v : values) emplace_back(v);
  }

  void emplace_back(std::string_view value) {
    if (size_ < values_.size()) {
      values_[size_].assign(value);
    } else {
      values_.emplace_back(value);
    }
    ++size_;
  }
  void push_back(std::string_view value) { emplace_back(value); }
  void clear() {
    for (size_t i = 0; i < size_ && i < kKeptValues; ++i) ClearKeepingSmallBuffer(values_[i]);
    if (values_.size() > kKeptValues) values_.resize(kKeptValues);
    size_ = 0;
  }

  // Empties `s`, keeping its buffer unless it grew past kKeptCapacity.
  static void ClearKeepingSmallBuffer(std::string& s) {
    if (s.capacity() > kKeptCapacity) {
      std::string().swap(s);
    } else {
      s.clear();
    }
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::string& operator[](size_t i) const { return values_[i]; }
  const_iterator begin() const { return values_.begin(); }
  const_iterator end() const { return values_.begin() + static_cast<std::ptrdiff_t>(size_); }

  friend bool operator==(const IdentifierValues& a, const IdentifierValues& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
  friend bool operator==(const IdentifierValues& a, const std::vector<std::string>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::vector<std::string> values_;  // the first size_ are the values; the rest keep buffers
  size_t size_ = 0;
};

// The identifiers of one event as they arrived (trimmed and validated later, by the normalizer).
// Empty strings are dropped by the decoder; everything else is kept as is.
struct RawIdentifiers {
  IdentifierValues email;
  IdentifierValues idfa;
  IdentifierValues gaid;
  IdentifierValues email_sha256;
  IdentifierValues maid_sha256;

  size_t size() const {
    return email.size() + idfa.size() + gaid.size() + email_sha256.size() + maid_sha256.size();
  }
  bool empty() const { return size() == 0; }
  void clear() {
    email.clear();
    idfa.clear();
    gaid.clear();
    email_sha256.clear();
    maid_sha256.clear();
  }
};

struct MembershipEvent {
  std::string audience_id;
  std::string audience_name;  // defaults to audience_id
  std::string user_id;        // falls back to the Kafka key
  MembershipOp op = MembershipOp::kAdd;
  std::optional<int64_t> ts_ms;
  RawIdentifiers identifiers;

  // Back to a default event, keeping the buffers (see IdentifierValues).
  void Clear() {
    IdentifierValues::ClearKeepingSmallBuffer(audience_id);
    IdentifierValues::ClearKeepingSmallBuffer(audience_name);
    IdentifierValues::ClearKeepingSmallBuffer(user_id);
    op = MembershipOp::kAdd;
    ts_ms.reset();
    identifiers.clear();
  }
};

}  // namespace pinsync::decode
