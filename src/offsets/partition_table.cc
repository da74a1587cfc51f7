#include "pinsync/offsets/partition_table.h"

#include <cassert>

namespace pinsync::offsets {

PartitionId PartitionTable::Intern(const TopicPartition& tp) {
  auto [it, inserted] = by_partition_.try_emplace(tp, static_cast<PartitionId>(by_id_.size()));
  if (inserted) by_id_.push_back(tp);
  return it->second;
}

std::optional<PartitionId> PartitionTable::Find(const TopicPartition& tp) const {
  auto it = by_partition_.find(tp);
  if (it == by_partition_.end()) return std::nullopt;
  return it->second;
}

const TopicPartition& PartitionTable::Get(PartitionId id) const {
  assert(contains(id));
  return by_id_[id];
}

}  // namespace pinsync::offsets
