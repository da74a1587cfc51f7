#pragma once
// The fleet's list registry as the delivery engine sees it: which Pinterest customer list (and
// CUSTOMER_LIST audience) a list name of an ad account maps to, and which member of the
// consumer group may create what is missing. Several replicas start at the same instant, or
// meet a new audience together; without this seam each would create its own same-named list.
//
// Contract:
//  * Find answers from what any member published (Publish); it never asks Pinterest.
//  * Before creating a list or an audience, a member claims the name and creates only on kWon.
//    Every member that claims the same name with the same `gone_list_id` gets the same winner
//    (the first claim in the registry's log order), so exactly one creates. The others wait
//    (kWaiting) until the winner publishes the ids (kSettled), or, if it never does within the
//    registry's claim timeout, one of them takes over (its Claim turns kWon).
//  * All calls are non-blocking and thread-safe: the engine calls them from its delivery thread
//    on every turn while it waits.
// The Kafka implementation is registry/kafka_list_registry.h; docs/pinterest.md, "One list per
// audience across replicas", gives the protocol.

#include <optional>
#include <string>

namespace pinsync::pinterest {

struct RegistryEntry {
  std::string list_id;
  std::string audience_id;      // empty if not known (it exists when audience_ready)
  bool audience_ready = false;  // the list has its CUSTOMER_LIST audience (or gave up on one)
  friend bool operator==(const RegistryEntry&, const RegistryEntry&) = default;
};

enum class ClaimStatus : uint8_t {
  kPending,  // the claim is on its way through the log: ask again
  kWon,      // this member creates what is missing, then publishes the ids
  // kWon by taking over from a winner that published nothing in time: it may have created the
  // list before it stopped, so look the name up on Pinterest again before creating.
  kWonTakingOver,
  kWaiting,  // another member won: wait for its ids (ask again; Find answers once published)
  kSettled,  // ids newer than `gone_list_id` are published: use Find's answer, create nothing
};

class ListRegistry {
 public:
  virtual ~ListRegistry() = default;
  // False until the registry has read its log up to where it stood at start: until then Find's
  // "not known" means nothing, so the engine waits rather than looking up or creating.
  virtual bool CaughtUp() const = 0;
  virtual std::optional<RegistryEntry> Find(const std::string& ad_account_id,
                                            const std::string& list_name) const = 0;
  // Asks to create (account, list_name). `gone_list_id`: empty for a name never provisioned,
  // or the list id Pinterest answered 404 for (deleted: claims to recreate it are separate).
  virtual ClaimStatus Claim(const std::string& ad_account_id, const std::string& list_name,
                            const std::string& gone_list_id) = 0;
  // Records the ids of (account, list_name) for every member (after a create, or a list found
  // on Pinterest by name). Publishing what is already known costs nothing.
  virtual void Publish(const std::string& ad_account_id, const std::string& list_name,
                       const RegistryEntry& entry) = 0;
  // This member's id in the registry (not a secret): log lines name who claims and creates.
  virtual const std::string& member_id() const = 0;
};

}  // namespace pinsync::pinterest
