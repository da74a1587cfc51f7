#include "pinsync/pinterest/unsent_merge.h"

#include <algorithm>

#include "pinsync/pinterest/batch_merge.h"

namespace pinsync::pinterest {

bool SupersededRecords::any() const {
  return std::find(adds.begin(), adds.end(), true) != adds.end() ||
         std::find(removes.begin(), removes.end(), true) != removes.end();
}

RecordIndex IndexRecords(const aggregate::Batch& batch, const SupersededRecords& superseded) {
  RecordIndex where;
  where.reserve(batch.size());
  for (uint32_t i = 0; i < batch.adds.size(); ++i) {
    if (i >= superseded.adds.size() || !superseded.adds[i]) where[batch.adds[i].id] = {true, i};
  }
  for (uint32_t i = 0; i < batch.removes.size(); ++i) {
    if (i >= superseded.removes.size() || !superseded.removes[i]) {
      where[batch.removes[i].id] = {false, i};
    }
  }
  return where;
}

void MergeIntoUnsent(aggregate::Batch& started, aggregate::Batch later, RecordIndex& where,
                     UnsentRecords& unsent, SupersededRecords& superseded) {
  ReserveForMerge(started, later);
  superseded.adds.resize(started.adds.size(), false);
  superseded.removes.resize(started.removes.size(), false);
  auto apply = [&](const aggregate::BatchRecord& record, bool add) {
    auto it = where.find(record.id);
    if (it != where.end() && it->second.first == add) {
      // Same op again: keep one entry, from the partition of the latest change.
      (add ? started.adds : started.removes)[it->second.second].partition = record.partition;
      return;
    }
    if (it != where.end()) {  // the other op earlier (unsent, or acknowledged): the later wins
      const auto [was_add, index] = it->second;
      (was_add ? superseded.adds : superseded.removes)[index] = true;
    }
    auto& target = add ? started.adds : started.removes;
    const auto index = static_cast<uint32_t>(target.size());
    where[record.id] = {add, index};
    target.push_back(record);
    (add ? superseded.adds : superseded.removes).push_back(false);
    (add ? unsent.adds : unsent.removes).push_back(index);
  };
  for (const auto& record : later.adds) apply(record, true);
  for (const auto& record : later.removes) apply(record, false);
  std::erase_if(unsent.adds, [&](uint32_t i) { return superseded.adds[i]; });
  std::erase_if(unsent.removes, [&](uint32_t i) { return superseded.removes[i]; });

  MergeLowestOffsets(started, later);
  started.opened_at = std::min(started.opened_at, later.opened_at);
}

void DropSuperseded(aggregate::Batch& batch, SupersededRecords& superseded) {
  EraseMarked(batch.adds, superseded.adds);
  EraseMarked(batch.removes, superseded.removes);
  superseded.adds.clear();
  superseded.removes.clear();
}

}  // namespace pinsync::pinterest
