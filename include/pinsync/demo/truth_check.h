#pragma once
// Compares the sandbox's final state with a stream's ground truth, list by list.

#include <string>
#include <vector>

#include "pinsync/demo/membership_stream.h"
#include "pinsync/sandbox/sandbox_server.h"

namespace pinsync::demo {

struct ListCheck {
  std::string audience_id;
  std::string list_name;  // as pinsync named it in Pinterest
  ListType list_type = ListType::kEmail;
  uint64_t adds = 0;  // changes in the stream
  uint64_t removes = 0;
  int64_t uploaded = 0;  // the list's num_uploaded_user_records
  int64_t removed = 0;   // num_removed_user_records
  size_t expected_size = 0;
  size_t actual_size = 0;
  size_t missing = 0;     // expected members the list lacks
  size_t unexpected = 0;  // members the list should not have
  int audiences = 0;      // CUSTOMER_LIST audiences targeting the list
  bool ok = false;
};

struct TruthReport {
  std::vector<ListCheck> lists;
  std::vector<std::string> problems;  // human-readable, one per mismatch; no identifiers
  bool ok() const { return problems.empty(); }
};

// Lists are matched by the default name template "{audience_name}-{EMAIL|MAID}" in `account`.
// A list with an empty truth may legitimately not exist (only removes were sent).
TruthReport CheckAgainstTruth(const MembershipStream& stream, const sandbox::SandboxServer& server,
                              const std::string& account);

// The per-list table the demo prints.
std::string FormatTable(const TruthReport& report, const std::map<std::string, uint64_t>& dead);

}  // namespace pinsync::demo
