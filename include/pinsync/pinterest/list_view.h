#pragma once
// Pinterest's own view of the lists pinsync syncs into: what the account's customer-list and
// audience pages said the last time they were read (issue 8, item 2). The delivery thread writes
// it from its sweeps; the status page, /status.json and the per-audience gauges read a snapshot
// (BatchSink::PinterestView), so this is plain data, copied across the thread boundary.

#include <cstdint>
#include <optional>
#include <string>

#include "pinsync/aggregate/batch.h"
#include "pinsync/common/clock.h"

namespace pinsync::pinterest {

// Pinterest's cap on the records one customer list may hold.
inline constexpr int64_t kCustomerListRecordCap = 300'000'000;

struct ListView {
  aggregate::ListKey key;  // ad account, the event's audience_id, list type
  std::string list_name;
  std::string list_id;      // empty until resolved
  std::string list_status;  // Pinterest's CustomerList.status (e.g. "READY", "TOO_SMALL"), or ""
  int64_t num_uploaded_user_records = -1;  // -1: not read yet
  int64_t num_removed_user_records = -1;
  std::string audience_id;            // the CUSTOMER_LIST audience, empty until resolved
  std::string audience_status;        // Pinterest's Audience.status, or ""
  int64_t audience_size = -1;         // Audience.size, -1: not read yet
  std::optional<SteadyTime> read_at;  // when the sweep last read this list
  // Adds to the list stop at the cap (kCustomerListRecordCap uploaded records); removes go on.
  bool full = false;
};

}  // namespace pinsync::pinterest
