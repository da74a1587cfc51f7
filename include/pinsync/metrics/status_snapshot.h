#pragma once
// What the status page (GET /), /status.json and /readyz show: plain data the consumer thread
// assembles about once a second and publishes through a StatusBoard, so the HTTP threads never
// touch pipeline state. No identifiers, hashes or tokens: audience ids, list ids and figures.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pinsync::metrics {

// One ad account's delivery budget (pinterest.requests_per_minute, this member's share) and use.
struct AccountStatus {
  std::string ad_account_id;
  double budget_requests_per_minute = 0;  // this member's share of the group's budget
  bool held = false;                      // delivery held (403, or a 401 no token fixes)
};

// One audience and list type: pinsync's figures and Pinterest's view of the list.
struct AudienceListStatus {
  std::string audience;   // the event's audience_id, or "_other" (audiences past the cap)
  std::string list_type;  // "EMAIL" or "MAID"
  std::string ad_account_id;
  // Pinterest's view (BatchSink::PinterestView); empty / -1 until known.
  std::string list_id;
  std::string list_status;
  std::string pinterest_audience_id;
  std::string audience_status;
  int64_t audience_size = -1;
  int64_t uploaded_records = -1;
  bool list_full = false;
  // pinsync's figures.
  uint64_t changes_added = 0;
  uint64_t changes_removed = 0;
  uint64_t synced_added = 0;
  uint64_t synced_removed = 0;
  uint64_t not_synced = 0;  // of the audience, both list types
  uint64_t errored = 0;
  std::map<std::string, uint64_t> errored_by_reason;
  uint64_t pending = 0;
  double oldest_pending_age_seconds = 0;
  std::optional<double> last_sync_unix;
};

struct StatusSnapshot {
  std::string version;
  double taken_unix = 0;  // when the consumer thread assembled it
  double uptime_seconds = 0;
  bool joined = false;  // the consumer group gave this member an assignment
  size_t assigned_partitions = 0;
  std::optional<double> consumer_lag;  // messages behind, over the assigned partitions
  double requests_last_minute = 0;     // requests this process sent Pinterest, all accounts
  std::vector<AccountStatus> accounts;
  std::string token_state;  // "accepted", "not verified yet", "refused (every account held)"
  bool credentials_accepted = false;  // Pinterest answered 2xx at least once
  size_t audience_series_folded = 0;  // audiences summed under "_other"
  std::vector<AudienceListStatus> lists;
};

}  // namespace pinsync::metrics
