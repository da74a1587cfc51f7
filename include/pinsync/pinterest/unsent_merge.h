#pragma once
// Merging a later batch of a customer list into the unsent part of a batch whose first requests
// already went out (DeliveryEngine::Submit), so a list under a backlog keeps filling its next
// request instead of waiting for the whole batch to finish.
//
// The caller guarantees the later batch changes no record whose change may still be on its way to
// Pinterest (a request on the wire, a retry, a 400 half): those keep their entries and indices.
// A record whose change Pinterest already acknowledged may change again: the later change is a
// new entry, to be sent, and the acknowledged one is superseded.

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "pinsync/aggregate/batch.h"

namespace pinsync::pinterest {

// Indices into a started batch's adds and removes: the records no request has carried yet.
struct UnsentRecords {
  std::vector<uint32_t> adds;
  std::vector<uint32_t> removes;
};

// Entries of a started batch replaced, before they were sent, by a later change of the other op.
// They stay in place (indices are stable while requests are on the wire) and are dropped when the
// batch finishes (DropSuperseded).
struct SupersededRecords {
  std::vector<bool> adds;
  std::vector<bool> removes;
  bool any() const;
};

// Where each record of a batch is: true for adds, and its index there.
using RecordIndex = absl::flat_hash_map<HashedId, std::pair<bool, uint32_t>>;
RecordIndex IndexRecords(const aggregate::Batch& batch, const SupersededRecords& superseded);

// `later` holds changes made after every change in `started` (same ListKey); `where` indexes
// `started`. A repeated change keeps its entry (with the latest partition; an acknowledged one
// is not sent again); a change of the other op supersedes the entry and is appended, unsent.
// Afterwards `unsent` and `where` describe the merged batch. `started` takes the lowest offset
// per partition of both and the older opened_at; its id is kept.
void MergeIntoUnsent(aggregate::Batch& started, aggregate::Batch later, RecordIndex& where,
                     UnsentRecords& unsent, SupersededRecords& superseded);

// Removes the superseded entries from `batch` (when no request refers to its indices any more).
void DropSuperseded(aggregate::Batch& batch, SupersededRecords& superseded);

}  // namespace pinsync::pinterest
