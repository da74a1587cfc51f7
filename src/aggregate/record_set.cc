#include "pinsync/aggregate/record_set.h"

#include <bit>
#include <cassert>
#include <cstring>

#include "pinsync/common/hashed_id_hash.h"

namespace pinsync::aggregate {
namespace {

// Chunk k holds 16 << k entries up to 64, then every further chunk holds 64: small batches
// stay small, and any batch wastes at most 63 entries (2.5 KB).
constexpr uint32_t kFirstChunk = 16;
constexpr uint32_t kLastChunk = 64;
constexpr uint32_t kGrowingChunks = 3;               // 16, 32, 64
constexpr uint32_t kGrowingTotal = kFirstChunk * 7;  // 112 entries in the growing chunks
static_assert(kFirstChunk << (kGrowingChunks - 1) == kLastChunk);

struct Slot {
  size_t chunk;
  size_t offset;
};

Slot Locate(uint32_t position) {
  if (position < kGrowingTotal) {
    const uint32_t v = position + kFirstChunk;
    const int k = std::bit_width(v) - 1;
    return {static_cast<size_t>(k - 4), v - (1u << k)};
  }
  const uint32_t rest = position - kGrowingTotal;
  return {kGrowingChunks + rest / kLastChunk, rest % kLastChunk};
}

size_t ChunkSize(size_t chunk) {
  return chunk < kGrowingChunks ? (size_t{kFirstChunk} << chunk) : kLastChunk;
}

// Zero the bytes past the length so equal identifiers compare and hash equal.
HashedId Canonical(const HashedId& id) {
  HashedId out;
  out.length = id.length > 32 ? uint8_t{32} : id.length;
  std::memcpy(out.bytes.data(), id.bytes.data(), out.length);
  return out;
}

}  // namespace

RecordSet::RecordSet() : index_(&memory_) {}

bool RecordSet::Matches(uint32_t position, const HashedId& id) const {
  const RecordEntry& e = At(position);
  return e.length == id.length && e.bytes == id.bytes;
}

void RecordSet::Reindex(size_t capacity) {
  index_.Reset(capacity);
  for (uint32_t i = 0; i < size_; ++i) {
    const RecordEntry& e = At(i);
    index_.Insert(HashIdBytes(e.bytes, e.length), i);
  }
}

const RecordEntry& RecordSet::At(uint32_t position) const {
  assert(position < size_);
  const Slot s = Locate(position);
  return chunks_[s.chunk][s.offset];
}

RecordEntry& RecordSet::At(uint32_t position) {
  const Slot s = Locate(position);
  return chunks_[s.chunk][s.offset];
}

RecordEntry& RecordSet::Append() {
  if (size_ == capacity_) {
    const size_t n = ChunkSize(chunks_.size());
    chunks_.push_back(std::make_unique_for_overwrite<RecordEntry[]>(n));
    capacity_ += n;
    memory_.Allocated(n * sizeof(RecordEntry));
  }
  return At(size_++);
}

void RecordSet::AppendChange(const HashedId& id, MembershipOp op, PartitionId partition) {
  assert(size_ < kMaxRecords);
  RecordEntry& e = Append();
  e.bytes = id.bytes;
  e.length = id.length;
  e.op = op;
  e.partition = partition;
}

void RecordSet::Replace(RecordEntry& e, MembershipOp op, PartitionId partition, size_t& adds) {
  if (e.op != op) {
    if (op == MembershipOp::kAdd) {
      ++adds;
    } else {
      --adds;
    }
  }
  e.op = op;
  e.partition = partition;
}

bool RecordSet::Upsert(const HashedId& raw_id, MembershipOp op, PartitionId partition) {
  const HashedId id = Canonical(raw_id);
  if (!merged_) {
    AppendChange(id, op, partition);
    return true;
  }
  const size_t hash = HashIdBytes(id.bytes, id.length);
  // Grown before the probe, so one probe serves both outcomes: the index is cold in a large
  // batch, and a find followed by an insert would walk it twice.
  if (index_.full_for_one_more()) Reindex(RecordIndex::capacity_for(index_.size() + 1));
  bool inserted = false;
  const uint32_t position = index_.FindOrInsert(
      hash, [&](uint32_t p) { return Matches(p, id); }, size_, &inserted);
  if (inserted) {
    AppendChange(id, op, partition);
    if (op == MembershipOp::kAdd) ++adds_;
    return true;
  }
  Replace(At(position), op, partition, adds_);
  return false;
}

size_t RecordSet::Merge() {
  if (merged_) return 0;
  merged_ = true;
  // Sized for every entry, so no growth during the pass; the survivors are compacted in place
  // (a survivor's position never exceeds the entry it comes from).
  index_.Reset(size_ == 0 ? 0 : RecordIndex::capacity_for(size_));
  const uint32_t entries = size_;
  uint32_t kept = 0;
  size_t adds = 0;
  for (uint32_t i = 0; i < entries; ++i) {
    const RecordEntry change = At(i);
    const HashedId id = change.id();
    bool inserted = false;
    const uint32_t position = index_.FindOrInsert(
        HashIdBytes(id.bytes, id.length), [&](uint32_t p) { return Matches(p, id); }, kept,
        &inserted);
    if (inserted) {
      At(kept++) = change;
      if (change.op == MembershipOp::kAdd) ++adds;
      continue;
    }
    Replace(At(position), change.op, change.partition, adds);
  }
  size_ = kept;
  adds_ = adds;
  FreeUnusedChunks();
  // Many collapsed changes leave the index larger than the records need: rebuild it smaller.
  if (const size_t fits = RecordIndex::capacity_for(kept); size_ > 0 && fits < index_.capacity()) {
    Reindex(fits);
  }
  return entries - kept;
}

size_t RecordSet::add_count() const {
  assert(merged_);
  return adds_;
}

void RecordSet::FreeUnusedChunks() {
  size_t needed_chunks = 0;
  size_t covered = 0;
  while (covered < size_) covered += ChunkSize(needed_chunks++);
  if (needed_chunks == chunks_.size()) return;
  chunks_.resize(needed_chunks);
  chunks_.shrink_to_fit();
  memory_.Freed((capacity_ - covered) * sizeof(RecordEntry));
  capacity_ = covered;
}

const RecordEntry* RecordSet::Find(const HashedId& raw_id) const {
  const HashedId id = Canonical(raw_id);
  if (!merged_) {
    for (uint32_t i = size_; i-- > 0;) {
      if (Matches(i, id)) return &At(i);
    }
    return nullptr;
  }
  const int64_t position =
      index_.Find(HashIdBytes(id.bytes, id.length), [&](uint32_t p) { return Matches(p, id); });
  return position < 0 ? nullptr : &At(static_cast<uint32_t>(position));
}

size_t RecordSet::DropPartition(PartitionId partition) {
  // "Latest change" is only known once merged.
  Merge();
  // Revocation is rare: compact the survivors in place (order kept) and rebuild the index.
  uint32_t kept = 0;
  size_t adds = 0;
  for (uint32_t i = 0; i < size_; ++i) {
    const RecordEntry& e = At(i);
    if (e.partition == partition) continue;
    if (e.op == MembershipOp::kAdd) ++adds;
    if (kept != i) At(kept) = e;
    ++kept;
  }
  const size_t dropped = size_ - kept;
  if (dropped == 0) return 0;
  size_ = kept;
  adds_ = adds;
  FreeUnusedChunks();
  Reindex(size_ == 0 ? 0 : RecordIndex::capacity_for(size_));
  return dropped;
}

size_t RecordSet::allocated_bytes() const {
  return memory_.current + chunks_.capacity() * sizeof(std::unique_ptr<RecordEntry[]>);
}

size_t RecordSet::peak_allocated_bytes() const {
  return memory_.peak + chunks_.capacity() * sizeof(std::unique_ptr<RecordEntry[]>);
}

}  // namespace pinsync::aggregate
