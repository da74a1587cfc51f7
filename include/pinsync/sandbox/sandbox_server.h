#pragma once
// `pinsync sandbox`: a local HTTP server implementing the Pinterest API v5 operations pinsync
// uses (docs/pinterest/openapi-v5-audiences.json), with state tests can inspect and faults they
// can inject. Runs on background threads; tests start it in-process on an ephemeral port.

#include <memory>
#include <string>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/common/result.h"
#include "pinsync/sandbox/fault_plan.h"
#include "pinsync/sandbox/request_counter.h"
#include "pinsync/sandbox/sandbox_state.h"

namespace pinsync::sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;                // 0: an ephemeral port, read back with port()
  std::string required_token;  // empty: any non-empty bearer token is accepted
  bool rotate_refresh_tokens = false;
  FaultSpec faults;
  int threads = 32;  // worker threads; each keep-alive connection holds one
  size_t max_body_bytes = 16u << 20;
  const Clock* clock = nullptr;  // rate windows and timestamps; null: the system clock
  // Count each record's membership changes (SandboxServer::MembershipChanges), for tests that
  // check ordering; off by default: it costs a map update per record.
  bool track_membership_changes = false;
};

class SandboxServer {
 public:
  // Binds and starts serving; an error if the address cannot be bound.
  static Result<std::unique_ptr<SandboxServer>> Start(SandboxOptions options);
  ~SandboxServer();
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  int port() const;
  // http://HOST:PORT/v5, the client's pinterest.api_base_url.
  std::string base_url() const;

  // The body of GET /_sandbox/state.
  std::string StateJson() const;
  // The same state without JSON: every list (members as sorted hex) and audience.
  std::vector<ListSnapshot> Lists() const;
  std::vector<AudienceSnapshot> Audiences() const;
  std::map<std::pair<std::string, std::string>, uint32_t> MembershipChanges() const;
  RequestCounts Requests() const;
  int64_t TokenRefreshes() const;
  // Deletes a list and its audiences (someone deleting it in Ads Manager): a state call for
  // in-process tests. False if there is no such list.
  bool DeleteList(const std::string& ad_account_id, const std::string& list_id);
  // Refreshes refused for presenting a superseded (rotated away) refresh token.
  int64_t SupersededRefreshTokensPresented() const;

  // Test-only: a list's num_uploaded_user_records (POST /_sandbox/uploaded); see SandboxState.
  Result<ListSnapshot, ApiError> SetUploadedRecords(const std::string& ad_account_id,
                                                    const std::string& list_id, int64_t uploaded);
  void SetFaults(const FaultSpec& faults);
  FaultSpec Faults() const;
  // Clears lists, audiences, counters and issued tokens (POST /_sandbox/reset).
  void Reset();
  // Stops accepting and joins the server thread; idempotent.
  void Stop();

 private:
  struct Impl;
  explicit SandboxServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pinsync::sandbox
