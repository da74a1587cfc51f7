#pragma once
// Interns TopicPartition as a small PartitionId so buffered records and holds stay small.
// Ids are dense from 0 and never reused: a partition revoked and assigned again keeps its id.

#include <cstddef>
#include <deque>
#include <optional>

#include <absl/container/flat_hash_map.h>

#include "pinsync/aggregate/batch.h"
#include "pinsync/common/model.h"

namespace pinsync::offsets {

using aggregate::PartitionId;

class PartitionTable {
 public:
  // The id of `tp`, assigning the next one on first sight.
  PartitionId Intern(const TopicPartition& tp);
  std::optional<PartitionId> Find(const TopicPartition& tp) const;
  // Precondition: contains(id). The reference stays valid for the table's lifetime.
  const TopicPartition& Get(PartitionId id) const;
  bool contains(PartitionId id) const { return id < by_id_.size(); }
  size_t size() const { return by_id_.size(); }

 private:
  absl::flat_hash_map<TopicPartition, PartitionId> by_partition_;
  std::deque<TopicPartition> by_id_;  // deque: references survive growth
};

}  // namespace pinsync::offsets
