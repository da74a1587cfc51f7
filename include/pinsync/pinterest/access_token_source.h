#pragma once
// The bearer token for API requests: a static access token, or one obtained with the refresh-token
// flow (POST {api_base_url}/oauth/token, basic auth app_id:app_secret), refreshed ahead of expiry
// and after a 401, one refresh at a time. A rotated refresh token is persisted to the token store.
// Runs on the delivery thread; no locking.

#include <cstdint>
#include <memory>
#include <string>

#include "pinsync/common/clock.h"
#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/pinterest/credential_lineage.h"
#include "pinsync/pinterest/http_transport.h"
#include "pinsync/pinterest/pinterest_stats.h"
#include "pinsync/pinterest/retry_policy.h"

namespace pinsync::pinterest {

class AccessTokenSource {
 public:
  // Reads the token store (it wins over the configured refresh token when it exists).
  // `lineage` (refresh flow, may be null: a single member): the group's shared credentials
  // (credential_lineage.h); with it this member refreshes only when its claim on the current
  // generation wins, adopts what others publish, and waits for the lineage before any request.
  static Result<std::unique_ptr<AccessTokenSource>> Create(const config::PinterestConfig& config,
                                                           const Clock& clock,
                                                           HttpTransport& transport,
                                                           PinterestStats& stats, uint64_t seed,
                                                           CredentialLineage* lineage = nullptr);

  // The token to send now, or nullptr while none is usable (refresh pending, or held).
  const std::string* Current();
  // Identifies the token Current() returned, so a late 401 does not discard a newer token.
  uint64_t generation() const { return generation_; }
  // A request sent with the token of `generation` was answered 401: refresh (refresh flow only).
  void OnUnauthorized(uint64_t generation);
  // Starts a refresh when one is due. Call on every turn of the delivery loop.
  void Pump();
  // No usable token and none coming: the refresh token was rejected.
  bool held() const;
  bool uses_refresh_flow() const { return refresh_flow_; }
  // Time the next refresh falls due (for the loop's wait); max() when none is planned.
  SteadyTime NextRefreshAt() const;

 private:
  AccessTokenSource(const config::PinterestConfig& config, const Clock& clock,
                    HttpTransport& transport, PinterestStats& stats, uint64_t seed);
  void StartRefresh();
  // Takes the lineage's newest credentials when they are newer than this member's.
  void AdoptNewerCredentials();
  void StoreRefreshToken();
  void OnRefreshResponse(HttpResponse response);

  const config::PinterestConfig& config_;
  const Clock& clock_;
  HttpTransport& transport_;
  PinterestStats& stats_;
  Backoff backoff_;
  bool refresh_flow_ = false;
  std::string access_token_;
  std::string refresh_token_;
  uint64_t generation_ = 1;
  bool has_expiry_ = false;
  SteadyTime expires_at_{};
  SteadyTime refresh_at_{};
  bool refresh_needed_ = false;
  bool refreshing_ = false;
  bool refresh_rejected_ = false;
  int refresh_attempts_ = 0;
  SteadyTime retry_not_before_{};
  CredentialLineage* lineage_ = nullptr;
  uint64_t lineage_generation_ = 0;  // the lineage generation of refresh_token_
  int64_t lifetime_seconds_ = 0;
  SteadyTime next_wait_log_{};
};

}  // namespace pinsync::pinterest
