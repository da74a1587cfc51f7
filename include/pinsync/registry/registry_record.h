#pragma once
// The records of the fleet's registry topic (a compacted Kafka topic, one partition, so every
// member reads them in the same order). Three kinds:
//   claim: member M asks to create the list (account, name) given `basis`, or to refresh the
//          app's OAuth credentials (account "oauth", name = app id, basis "refresh:<generation>");
//   list:  the ids of (account, name), published by whoever created or found them;
//   token: the app's newest credentials (generation N), sealed with a key derived from the app
//          secret (token_envelope.h): readers of the topic without the secret learn nothing.
// The Kafka key is the compaction identity: one list record per name, one claim per member,
// name and basis. The value is JSON, versioned ("v": 1); a tombstone (no value) deletes a claim
// once its list is known.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pinsync/common/result.h"
#include "pinsync/pinterest/list_registry.h"

namespace pinsync::registry {

enum class RecordType : uint8_t { kClaim, kList, kToken };

// The `ad_account_id` of OAuth refresh claims (never a real, all-digit ad account id).
inline constexpr const char* kOAuthClaimAccount = "oauth";

struct RegistryRecord {
  RecordType type = RecordType::kClaim;
  std::string ad_account_id;
  std::string list_name;
  // kClaim: what the claimant found missing ("new", "gone:<list id>", or "after:<offset>" to
  // take over from a winner that published nothing in time), and who claims.
  std::string basis;
  std::string member;
  // kList
  pinterest::RegistryEntry entry;
  // kToken: `list_name` holds the app id.
  uint64_t generation = 0;
  std::string sealed;  // hex
};

std::string RecordKey(const RegistryRecord& record);
// The type, account and name a key names (for tombstones, which carry no value); nullopt if the
// key is not one RecordKey writes.
std::optional<RegistryRecord> DecodeKey(std::string_view key);
std::string EncodeRecord(const RegistryRecord& record);
// A value written by EncodeRecord (any member, any version that kept "v": 1). The error says what
// was wrong; the registry skips such records with a warning rather than stopping.
Result<RegistryRecord> DecodeRecord(std::string_view value);

}  // namespace pinsync::registry
