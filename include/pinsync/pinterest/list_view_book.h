#pragma once
// Pinterest's view of each list pinsync syncs into, as the delivery engine last read it: the
// customer-list and audience items of every sweep page and create answer, joined to the lists
// (ListKey) the engine delivers to. Plain single-threaded data (the delivery thread owns it);
// Snapshot() is what crosses to other threads.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pinsync/aggregate/batch.h"
#include "pinsync/common/clock.h"
#include "pinsync/common/model.h"
#include "pinsync/pinterest/api_json.h"
#include "pinsync/pinterest/list_view.h"

namespace pinsync::pinterest {

class ListViewBook {
 public:
  // A list the engine delivers to, with its name and its id ("" while unresolved).
  void Track(const aggregate::ListKey& key, const std::string& list_name,
             const std::string& list_id);
  // A customer list as a list page or a create answer described it, read at `now`.
  void RecordList(const std::string& ad_account_id, const NamedItem& list, SteadyTime now);
  // An audience from a page or a create answer; only CUSTOMER_LIST audiences are kept.
  void RecordAudience(const std::string& ad_account_id, const AudienceItem& audience);
  // Records Pinterest acknowledged in an update since the list was last read: they count toward
  // the cap until the next read reports them itself.
  void RecordUpdate(const std::string& ad_account_id, const std::string& list_id, MembershipOp op,
                    size_t records);

  // The records the list holds as far as Pinterest's counters tell: uploaded less removed, plus
  // what was acknowledged since the read (nullopt: never read). Both counters move for every
  // record sent (a re-added member counts again, a removal of an absent one too), so this is an
  // estimate; docs/pinterest.md, "The 300 million-record cap", says why it is the one used.
  std::optional<int64_t> HeldRecords(const std::string& ad_account_id,
                                     const std::string& list_id) const;
  // True while HeldRecords reaches kCustomerListRecordCap: ADDs to the list are refused.
  bool Full(const std::string& ad_account_id, const std::string& list_id) const;
  // True the first time a list's ADDs are refused (one warning per list); again after the list
  // has been seen below the cap.
  bool FirstRefusal(const aggregate::ListKey& key);
  // The list takes ADDs again: true if it was refusing them.
  bool RefusalEnded(const aggregate::ListKey& key);

  // Every tracked list, in ListKey order.
  std::vector<ListView> Snapshot() const;
  // Moves whenever Snapshot() would return something else.
  uint64_t version() const { return version_; }
  // The oldest read among the tracked lists that were read.
  std::optional<SteadyTime> OldestRead() const;

 private:
  struct ListFacts {
    std::string status;
    int64_t uploaded = -1;
    int64_t removed = -1;
    int64_t added_since_read = 0;
    int64_t removed_since_read = 0;
    SteadyTime read_at{};
  };
  struct AudienceFacts {
    std::string id;
    std::string status;
    int64_t size = -1;
  };
  struct Tracked {
    std::string list_name;
    std::string list_id;
  };
  using ListRef = std::pair<std::string, std::string>;  // ad account id, customer list id

  std::map<ListRef, ListFacts> lists_;
  std::map<ListRef, AudienceFacts> audiences_;  // by the customer list they target
  std::map<aggregate::ListKey, Tracked> tracked_;
  std::set<aggregate::ListKey> refusing_;  // warned about, not yet seen below the cap
  uint64_t version_ = 0;
};

}  // namespace pinsync::pinterest
