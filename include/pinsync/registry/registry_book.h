#pragma once
// The registry's state, rebuilt by every member from the registry topic's log, and the claim rule
// applied to it. Pure (no I/O, injected times), so the protocol is unit-tested without Kafka;
// KafkaListRegistry feeds it records in log order and produces the claims it asks for.
//
// The rule: for each (ad account, list name, basis) the first claim in log order wins. Every
// member reads the same single-partition log, so every member agrees on the winner without
// talking to the others. A basis names what the claimant found missing:
//   "new"            nothing published yet for the name;
//   "gone:<list id>" the published list answered 404 (deleted on Pinterest): recreate it once;
//   "after:<offset>" the winning claim at <offset> published nothing within the claim timeout
//                    (its member died or is stuck): the first take-over claim wins instead.
// A winner that publishes the ids settles the name: later claims answer kSettled.
//
// Pinterest has no idempotent create, so a take-over is safe only if nothing the previous
// winner sent can still land after the taker looked the name up. Hence the create window: a
// member's list claim answers kWon only until `create_window` after it first produced it
// (measured on its own clock from before anyone could read the claim, so a lagging reader
// cannot stretch it). A create sent within the window has landed, or been abandoned, by
// window + request timeout; the others take over no earlier than `claim_timeout` after they
// read the claim. With create_window + request timeout + slack <= claim_timeout the taker's
// look-up by name sees every list the previous winner made. A winner past its window (slow, or
// its create's answer lost) waits like everyone else and may take over its own claim.
//
// Not thread-safe: KafkaListRegistry serializes access.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/pinterest/list_registry.h"
#include "pinsync/registry/registry_record.h"

namespace pinsync::registry {

class RegistryBook {
 public:
  // `create_window`: how long after producing a list claim this member may still send the
  // create it won (see above; shorter than claim_timeout by a request timeout and a margin).
  RegistryBook(std::string member, Duration claim_timeout, Duration create_window);

  // Records in log order; `seen_at` is this member's clock when it read the record (claim
  // timeouts are measured from it, so members need not share a clock).
  void Apply(const RegistryRecord& record, int64_t offset, SteadyTime seen_at);

  std::optional<pinterest::RegistryEntry> Find(const std::string& ad_account_id,
                                               const std::string& list_name) const;

  struct Decision {
    pinterest::ClaimStatus status = pinterest::ClaimStatus::kPending;
    std::optional<RegistryRecord> claim_to_produce;  // produce it, then ask again
    std::string winner;                              // kWaiting: the member being waited for
  };
  Decision Claim(const std::string& ad_account_id, const std::string& list_name,
                 const std::string& gone_list_id, SteadyTime now);
  // The same rule for any (account, name, basis): the first claim in log order wins, a winner
  // silent past the claim timeout is taken over. Never answers kSettled (the caller knows).
  // Without the create window (credential refreshes: their claims are not list creates).
  Decision ClaimBasis(const std::string& ad_account_id, const std::string& name, std::string basis,
                      SteadyTime now);
  // The newest token record of `app_id` in log order, if any.
  const RegistryRecord* LatestToken(const std::string& app_id) const;

  // A tombstone for a list or token key (an operator clearing a wrong list id, or a credential
  // lineage to start over): the name's ids, or the app's credentials, are forgotten.
  void Forget(const RegistryRecord& key);
  // A claim this member produced could not be written: it may be produced again.
  void ClaimNotWritten(const RegistryRecord& claim);
  // Moves this member's claims on (account, name) to the settled list (tombstoned later).
  void SettleClaims(const std::string& ad_account_id, const std::string& name);
  // This member's claims made moot by a published list since the last call: tombstone them so
  // compaction drops them.
  std::vector<RegistryRecord> TakeSettledClaims();

  const std::string& member() const { return member_; }
  size_t names() const { return names_.size(); }

 private:
  struct Winner {
    std::string member;
    int64_t offset = 0;
    SteadyTime seen_at{};
  };
  struct NameState {
    std::optional<pinterest::RegistryEntry> entry;
    std::map<std::string, Winner> winners;  // by basis
  };
  using Name = std::pair<std::string, std::string>;                    // ad account, list name
  using ClaimKey = std::tuple<std::string, std::string, std::string>;  // account, name, basis

  Decision Decide(const std::string& ad_account_id, const std::string& name, std::string basis,
                  SteadyTime now, bool fence_by_create_window);
  bool WithinCreateWindow(const ClaimKey& claim, SteadyTime now) const;

  std::string member_;
  Duration claim_timeout_;
  Duration create_window_;
  std::map<Name, NameState> names_;
  std::set<ClaimKey> produced_;
  // When this member first produced each claim: kept when a claim is produced again after a
  // failed write (the first may have landed after all), dropped when the name settles.
  std::map<ClaimKey, SteadyTime> first_produced_at_;
  std::vector<RegistryRecord> settled_;
  std::map<std::string, RegistryRecord> tokens_;  // by app id: the last in log order
};

}  // namespace pinsync::registry
