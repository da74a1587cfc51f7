#pragma once
// The sandbox's model of Pinterest: per ad account, customer lists with their members and the
// counters Pinterest reports, and audiences. Pure (no sockets) and thread-safe: one mutex, held
// briefly, so the HTTP layer may call it from its worker threads.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "pinsync/common/clock.h"
#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/sandbox/api_error.h"

namespace pinsync::sandbox {

// A customer list as the API reports it (the contract's CustomerList) plus, in state views, its
// members as sorted lowercase hex.
struct ListSnapshot {
  std::string ad_account_id;
  std::string id;
  std::string name;
  std::string list_type;  // UserListType, e.g. "EMAIL"
  std::string status;     // READY with at least 100 members, else TOO_SMALL
  int64_t num_batches = 0;
  int64_t num_uploaded_user_records = 0;
  int64_t num_removed_user_records = 0;
  int64_t created_time = 0;  // Unix seconds
  int64_t updated_time = 0;
  size_t member_count = 0;
  std::vector<std::string> members;  // filled by Lists() only
};

// An audience (the contract's Audience).
struct AudienceSnapshot {
  std::string ad_account_id;
  std::string id;
  std::string name;
  std::string audience_type;  // AudienceType, e.g. "CUSTOMER_LIST"
  std::string customer_list_id;
  std::optional<std::string> description;
  std::string status;  // READY or TOO_SMALL, from the list it targets
  int64_t size = 0;
  int64_t created_timestamp = 0;
  int64_t updated_timestamp = 0;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> bookmark;  // absent on the last page
};

struct PageQuery {
  int page_size = 25;       // 1..250, checked by the request decoder
  bool descending = false;  // order=DESCENDING
  std::string bookmark;     // empty: first page
};

class SandboxState {
 public:
  // `track_membership_changes`: keep MembershipChanges() (a map update per record changed).
  explicit SandboxState(const Clock& clock, bool track_membership_changes = false);

  // customer_lists/create: the list starts with `records` as members; creation is batch 1.
  Result<ListSnapshot, ApiError> CreateList(const std::string& ad_account_id,
                                            const std::string& name, const std::string& list_type,
                                            const std::vector<HashedId>& records);
  // customer_lists/update: ADD or REMOVE; counters move by the number of records sent, even
  // for members already present or absent (as Pinterest documents).
  Result<ListSnapshot, ApiError> UpdateList(const std::string& ad_account_id,
                                            const std::string& list_id, MembershipOp op,
                                            const std::vector<HashedId>& records);
  // Test-only (POST /_sandbox/uploaded): sets a list's num_uploaded_user_records as if that
  // many records had been uploaded, members unchanged, so tests reach Pinterest's 300 million
  // record cap without sending it. Later ADDs count on from there.
  Result<ListSnapshot, ApiError> SetUploadedRecords(const std::string& ad_account_id,
                                                    const std::string& list_id, int64_t uploaded);
  Result<ListSnapshot, ApiError> GetList(const std::string& ad_account_id,
                                         const std::string& list_id) const;
  Result<Page<ListSnapshot>, ApiError> ListLists(const std::string& ad_account_id,
                                                 const PageQuery& query) const;

  // audiences/create; a CUSTOMER_LIST audience's list must exist in the same ad account.
  Result<AudienceSnapshot, ApiError> CreateAudience(const std::string& ad_account_id,
                                                    const std::string& name,
                                                    const std::string& audience_type,
                                                    const std::string& customer_list_id,
                                                    std::optional<std::string> description);
  Result<AudienceSnapshot, ApiError> GetAudience(const std::string& ad_account_id,
                                                 const std::string& audience_id) const;
  Result<Page<AudienceSnapshot>, ApiError> ListAudiences(const std::string& ad_account_id,
                                                         const PageQuery& query) const;

  // Every list of every account, members included and sorted, ordered by account then id.
  std::vector<ListSnapshot> Lists() const;
  std::vector<AudienceSnapshot> Audiences() const;
  // How often each record's membership of each list changed (an add of a non-member or a
  // removal of a member), by (list name, lowercase hex); empty unless tracking was asked for. Tests
  // use it to see a change land after the record was settled (an old owner's request overtaking a
  // new owner's).
  std::map<std::pair<std::string, std::string>, uint32_t> MembershipChanges() const;
  void Reset();
  // Deletes a list and the audiences that target it, as Ads Manager does; later requests for
  // its id answer 404. False if there is no such list.
  bool DeleteList(const std::string& ad_account_id, const std::string& list_id);

 private:
  struct CustomerList {
    std::string name;
    std::string list_type;
    absl::flat_hash_set<HashedId> members;
    absl::flat_hash_map<HashedId, uint32_t> membership_changes;  // see MembershipChanges
    int64_t num_batches = 0;
    int64_t num_uploaded = 0;
    int64_t num_removed = 0;
    int64_t created_time = 0;
    int64_t updated_time = 0;
  };
  struct Audience {
    std::string name;
    std::string audience_type;
    uint64_t customer_list_id = 0;
    std::optional<std::string> description;
    int64_t created_time = 0;
    int64_t updated_time = 0;
  };
  struct Account {
    std::map<uint64_t, CustomerList> lists;  // ordered by id, for pagination
    std::map<uint64_t, Audience> audiences;
  };

  int64_t NowSeconds() const;
  ListSnapshot SnapshotLocked(const std::string& ad_account_id, uint64_t id,
                              const CustomerList& list) const;
  AudienceSnapshot SnapshotLocked(const std::string& ad_account_id, uint64_t id,
                                  const Audience& audience) const;
  const CustomerList* FindListLocked(const std::string& ad_account_id, uint64_t id) const;

  const Clock& clock_;
  const bool track_changes_;
  mutable std::mutex mutex_;
  std::map<std::string, Account> accounts_;
  uint64_t next_id_;
};

// Parses a path id (digits, at most 18); nullopt if it is not one.
std::optional<uint64_t> ParseResourceId(const std::string& id);

}  // namespace pinsync::sandbox
