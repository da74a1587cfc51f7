#include "pinsync/pinterest/batch_merge.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>

#include "pinsync/common/prefault.h"

namespace pinsync::pinterest {

void MergeLaterBatch(aggregate::Batch& earlier, aggregate::Batch later) {
  // Where each record of `earlier` is: true for adds, and its index there.
  absl::flat_hash_map<HashedId, std::pair<bool, uint32_t>> where;
  where.reserve(earlier.size() + later.size());
  for (uint32_t i = 0; i < earlier.adds.size(); ++i) where[earlier.adds[i].id] = {true, i};
  for (uint32_t i = 0; i < earlier.removes.size(); ++i) where[earlier.removes[i].id] = {false, i};
  ReserveForMerge(earlier, later);
  std::vector<bool> dropped_adds(earlier.adds.size(), false);
  std::vector<bool> dropped_removes(earlier.removes.size(), false);
  auto apply = [&](const aggregate::BatchRecord& record, bool add) {
    auto it = where.find(record.id);
    if (it != where.end() && it->second.first == add) {
      // Same op again: keep one copy, from the partition of the latest change.
      (add ? earlier.adds : earlier.removes)[it->second.second].partition = record.partition;
      return;
    }
    if (it != where.end()) {  // the opposite op earlier: the later change wins
      const auto [was_add, index] = it->second;
      auto& dropped = was_add ? dropped_adds : dropped_removes;
      if (dropped.size() <= index) dropped.resize(index + 1, false);
      dropped[index] = true;
    }
    auto& target = add ? earlier.adds : earlier.removes;
    where[record.id] = {add, static_cast<uint32_t>(target.size())};
    target.push_back(record);
  };
  for (const auto& record : later.adds) apply(record, true);
  for (const auto& record : later.removes) apply(record, false);
  EraseMarked(earlier.adds, dropped_adds);
  EraseMarked(earlier.removes, dropped_removes);
  MergeLowestOffsets(earlier, later);
  earlier.opened_at = std::min(earlier.opened_at, later.opened_at);
  earlier.not_before = std::max(earlier.not_before, later.not_before);
  if (!later.audience_name.empty()) earlier.audience_name = std::move(later.audience_name);
}

void ReserveForMerge(aggregate::Batch& into, const aggregate::Batch& from) {
  ReservePrefaulted(into.adds, into.adds.size() + from.adds.size());
  ReservePrefaulted(into.removes, into.removes.size() + from.removes.size());
}

void MergeLowestOffsets(aggregate::Batch& into, const aggregate::Batch& from) {
  for (const auto& [partition, offset] : from.lowest_offsets) {
    auto it = std::find_if(into.lowest_offsets.begin(), into.lowest_offsets.end(),
                           [p = partition](const auto& e) { return e.first == p; });
    if (it == into.lowest_offsets.end()) {
      into.lowest_offsets.emplace_back(partition, offset);
    } else {
      it->second = std::min(it->second, offset);
    }
  }
}

void EraseMarked(std::vector<aggregate::BatchRecord>& records, std::vector<bool>& marked) {
  marked.resize(records.size(), false);
  size_t out = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!marked[i]) records[out++] = records[i];
  }
  records.resize(out);
}

}  // namespace pinsync::pinterest
