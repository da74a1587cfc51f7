#pragma once
// A decoded membership change: what the decoder hands to the normalizer.
// Identifiers are still plaintext here; the normalizer hashes them and this struct is dropped.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pinsync/common/model.h"

namespace pinsync::decode {

// The identifiers of one event as they arrived (trimmed and validated later, by the normalizer).
// Empty strings are dropped by the decoder; everything else is kept as is.
struct RawIdentifiers {
  std::vector<std::string> email;
  std::vector<std::string> idfa;
  std::vector<std::string> gaid;
  std::vector<std::string> email_sha256;
  std::vector<std::string> maid_sha256;

  size_t size() const {
    return email.size() + idfa.size() + gaid.size() + email_sha256.size() + maid_sha256.size();
  }
  bool empty() const { return size() == 0; }
};

struct MembershipEvent {
  std::string audience_id;
  std::string audience_name;  // defaults to audience_id
  std::string user_id;        // falls back to the Kafka key
  MembershipOp op = MembershipOp::kAdd;
  std::optional<int64_t> ts_ms;
  RawIdentifiers identifiers;
};

}  // namespace pinsync::decode
