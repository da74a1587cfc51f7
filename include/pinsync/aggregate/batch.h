#pragma once
// A flushed batch: the net changes to one Pinterest customer list, ready for delivery.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pinsync/common/clock.h"
#include "pinsync/common/model.h"

namespace pinsync::aggregate {

// Interned TopicPartition (see offsets::PartitionTable), so a buffered record stays small.
using PartitionId = uint32_t;

// Which customer list a change belongs to.
struct ListKey {
  std::string ad_account_id;
  std::string audience_id;
  ListType list_type = ListType::kEmail;

  friend bool operator==(const ListKey&, const ListKey&) = default;
  friend auto operator<=>(const ListKey&, const ListKey&) = default;
  template <class H>
  friend H AbslHashValue(H h, const ListKey& k) {
    return H::combine(std::move(h), k.ad_account_id, k.audience_id, k.list_type);
  }
};

// A record and the partition its latest change came from (to drop a revoked partition's records).
struct BatchRecord {
  HashedId id;
  PartitionId partition = 0;
};

struct Batch {
  uint64_t id = 0;  // unique per process, increasing
  ListKey key;
  std::string audience_name;  // for list/audience naming templates
  std::vector<BatchRecord> adds;
  std::vector<BatchRecord> removes;  // disjoint from adds
  // Per partition, the lowest source offset of any change merged into this batch. The offset
  // frontier holds these until the batch is acknowledged.
  std::vector<std::pair<PartitionId, int64_t>> lowest_offsets;
  SteadyTime opened_at{};
  // Delivery starts no request for this batch before then: a partition that just moved here is
  // embargoed until its previous owner's requests can no longer land (see SyncPipeline::Assign).
  SteadyTime not_before{};

  size_t size() const { return adds.size() + removes.size(); }
};

}  // namespace pinsync::aggregate
