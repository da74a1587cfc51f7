#pragma once
// Merging a later batch of a customer list into an earlier one that has not been sent yet, so
// batches waiting for their turn leave as full requests (DeliveryEngine::Submit).

#include <vector>

#include "pinsync/aggregate/batch.h"

namespace pinsync::pinterest {

// `later` holds changes made after every change in `earlier` (same ListKey). Afterwards
// `earlier` holds each record's last change (adds and removes stay disjoint), the lowest offset
// per partition of both, the older opened_at and the later not_before. Its id is kept.
void MergeLaterBatch(aggregate::Batch& earlier, aggregate::Batch later);

// The pieces both merges share (this one and MergeIntoUnsent, unsent_merge.h):
// Grows `into`'s record vectors once to hold `from`'s records too, rather than by doubling as
// they are appended, into blocks whose pages are mapped in at once (PrefaultForWrite) before
// the records already there are copied over.
void ReserveForMerge(aggregate::Batch& into, const aggregate::Batch& from);
// `into` keeps, per partition, the lowest offset of the two batches.
void MergeLowestOffsets(aggregate::Batch& into, const aggregate::Batch& from);
// Removes the records whose flag in `marked` is set (missing flags count as unset), keeping order.
void EraseMarked(std::vector<aggregate::BatchRecord>& records, std::vector<bool>& marked);

}  // namespace pinsync::pinterest
