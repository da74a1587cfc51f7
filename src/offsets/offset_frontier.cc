#include "pinsync/offsets/offset_frontier.h"

#include <algorithm>
#include <cassert>

namespace pinsync::offsets {

void OffsetFrontier::Assign(PartitionId p) { partitions_.try_emplace(p); }

void OffsetFrontier::Revoke(PartitionId p) {
  auto it = partitions_.find(p);
  if (it == partitions_.end()) return;
  held_ -= it->second.held;
  partitions_.erase(it);
}

bool OffsetFrontier::Consumed(PartitionId p, int64_t offset) {
  auto it = partitions_.find(p);
  if (it == partitions_.end()) return false;
  auto& last = it->second.last_consumed;
  // Kept as a maximum: a redelivered older message must not pull the frontier back.
  if (!last || offset > *last) last = offset;
  return true;
}

bool OffsetFrontier::Hold(PartitionId p, int64_t offset) {
  auto it = partitions_.find(p);
  if (it == partitions_.end()) return false;
  ++it->second.holds[offset];
  ++it->second.held;
  ++held_;
  return true;
}

void OffsetFrontier::Release(PartitionId p, int64_t offset) {
  auto it = partitions_.find(p);
  if (it == partitions_.end()) return;
  PartitionState& state = it->second;
  auto hold = state.holds.find(offset);
  if (hold == state.holds.end()) {
    assert(false && "OffsetFrontier::Release of an offset that is not held");
    ++unmatched_releases_;
    return;
  }
  if (--hold->second == 0) state.holds.erase(hold);
  --state.held;
  --held_;
}

std::optional<int64_t> OffsetFrontier::Committable(PartitionId p) const {
  auto it = partitions_.find(p);
  if (it == partitions_.end() || !it->second.last_consumed) return std::nullopt;
  const PartitionState& state = it->second;
  const int64_t next = *state.last_consumed + 1;
  // A hold above the last consumed offset belongs to a message still being processed.
  if (state.holds.empty()) return next;
  return std::min(state.holds.begin()->first, next);
}

std::vector<std::pair<PartitionId, int64_t>> OffsetFrontier::TakeCommittable() {
  std::vector<std::pair<PartitionId, int64_t>> out;
  for (auto& [p, state] : partitions_) {
    const std::optional<int64_t> now = Committable(p);
    if (!now || (state.last_taken && *now <= *state.last_taken)) continue;
    state.last_taken = now;
    out.emplace_back(p, *now);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<PartitionId> OffsetFrontier::assigned_partitions() const {
  std::vector<PartitionId> out;
  out.reserve(partitions_.size());
  for (const auto& [p, state] : partitions_) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

size_t OffsetFrontier::held(PartitionId p) const {
  auto it = partitions_.find(p);
  return it == partitions_.end() ? 0 : it->second.held;
}

std::optional<int64_t> OffsetFrontier::LowestHeld(PartitionId p) const {
  auto it = partitions_.find(p);
  if (it == partitions_.end() || it->second.holds.empty()) return std::nullopt;
  return it->second.holds.begin()->first;
}

std::optional<int64_t> OffsetFrontier::LastConsumed(PartitionId p) const {
  auto it = partitions_.find(p);
  if (it == partitions_.end()) return std::nullopt;
  return it->second.last_consumed;
}

}  // namespace pinsync::offsets
