#pragma once
// One OAuth credential lineage for the whole consumer group (refresh-token flow). Pinterest's
// continuous refresh tokens rotate: a refresh supersedes the refresh token it used, so replicas
// refreshing on their own would each present a token another one already spent. With a lineage,
// one member refreshes per generation and publishes the new credentials; the others adopt them,
// and a member that (re)starts begins from the newest published generation, never from a
// superseded refresh token.
//
// Contract: all calls non-blocking and thread-safe (AccessTokenSource calls them on the delivery
// thread). Generation 0 is the configured (or token-store) refresh token; each refresh publishes
// generation + 1. The Kafka implementation seals what it publishes (registry/token_envelope.h).

#include <cstdint>
#include <optional>
#include <string>

#include "pinsync/pinterest/list_registry.h"

namespace pinsync::pinterest {

struct SharedCredentials {
  uint64_t generation = 0;
  std::string refresh_token;
  std::string access_token;
  int64_t expires_at_unix_ms = 0;  // 0: no expiry given
  int64_t lifetime_seconds = 0;    // expires_in of the grant, to refresh ahead of expiry
};

class CredentialLineage {
 public:
  virtual ~CredentialLineage() = default;
  // False until the newest published credentials are known (the registry read to its end).
  virtual bool CredentialsCaughtUp() const = 0;
  virtual std::optional<SharedCredentials> LatestCredentials() const = 0;
  // Asks to be the member that refreshes generation `generation`: kWon / kWonTakingOver refresh
  // now; kWaiting / kPending wait (LatestCredentials brings the winner's result).
  virtual ClaimStatus ClaimRefresh(uint64_t generation) = 0;
  virtual void PublishCredentials(const SharedCredentials& credentials) = 0;
};

}  // namespace pinsync::pinterest
