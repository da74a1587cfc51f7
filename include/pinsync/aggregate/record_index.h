#pragma once
// The hash index of a RecordSet: which position in the set's entry array holds an identifier.
//
// Why not absl::flat_hash_set<uint32_t> (what it replaces): in a large batch the index is cold,
// and absl keeps its control bytes and its slots in two arrays, so a new record cost two cache
// misses, and every doubling re-read each entry at random to rehash it. Here one 4-byte slot holds
// both the position and an 8-bit tag of the identifier's hash, so a probe touches one array and
// reads an entry only when the tag matches (1 in 256 for a different record); and growing
// rebuilds the table from the entries in order, a sequential scan, after freeing the old array,
// so old and new are never allocated together.
//
// Layout: open addressing with linear probing over 2^k slots; slot 0 means empty, otherwise
// (position + 1) << 8 | tag. The home slot is the hash's top k bits, the tag its low 8 bits.
// At most 4/5 full (a failed probe scans ~13 slots, one or two cache lines); just after a
// doubling 2/5 full: at most 10 bytes per record.
//
// Threading: none; owned by one RecordSet. There is no erase: the owner rebuilds (Reset + Insert)
// when it drops records.

#include <cstddef>
#include <cstdint>

namespace pinsync::aggregate {

// Bytes currently allocated and the most ever allocated at once.
struct MemoryCounter {
  size_t current = 0;
  size_t peak = 0;
  void Allocated(size_t n) {
    current += n;
    if (current > peak) peak = current;
  }
  void Freed(size_t n) { current -= n; }
};

class RecordIndex {
 public:
  // Positions are stored in 24 bits, position + 1 != 0.
  static constexpr uint32_t kMaxPositions = (1u << 24) - 1;

  explicit RecordIndex(MemoryCounter* memory) : memory_(memory) {}
  ~RecordIndex();
  RecordIndex(const RecordIndex&) = delete;
  RecordIndex& operator=(const RecordIndex&) = delete;

  // True when one more record would take the table past 4/5 full: the owner then calls Reset
  // with capacity_for(count + 1) and re-inserts every position.
  bool full_for_one_more() const { return (count_ + 1) * 5 > capacity_ * 4; }
  // The smallest power of two (at least 16) holding `records` at most 4/5 full.
  static size_t capacity_for(size_t records);

  // Frees the table and allocates an empty one of `capacity` slots (a power of two, or 0).
  void Reset(size_t capacity);

  // The position of the record whose hash is `hash` and for which `matches(position)` is true,
  // or, when there is none, inserts `position_if_absent` (which the caller must have made
  // findable by `matches` only after this returns) and returns it. `*inserted` says which.
  // Requires !full_for_one_more() when the record may be new.
  template <class Matches>
  uint32_t FindOrInsert(size_t hash, Matches&& matches, uint32_t position_if_absent,
                        bool* inserted);

  // The position of the record whose hash is `hash` and for which `matches(position)`, or -1.
  template <class Matches>
  int64_t Find(size_t hash, Matches&& matches) const;

  // Inserts a position known to be absent (rebuilding). Requires !full_for_one_more().
  void Insert(size_t hash, uint32_t position);

  size_t size() const { return count_; }
  size_t capacity() const { return capacity_; }

 private:
  // The slot holding the record whose hash is `hash` and for which `matches(position)`, or the
  // empty slot where it would go. Requires capacity_ > 0 (an empty slot always exists).
  template <class Matches>
  size_t SlotFor(size_t hash, Matches&& matches) const;

  size_t Home(size_t hash) const { return hash >> shift_; }
  static uint32_t Tag(size_t hash) { return static_cast<uint32_t>(hash & 0xFF); }
  static uint32_t Slot(uint32_t position, uint32_t tag) { return (position + 1) << 8 | tag; }
  static uint32_t PositionOf(uint32_t slot) { return (slot >> 8) - 1; }

  MemoryCounter* memory_;
  uint32_t* slots_ = nullptr;
  size_t capacity_ = 0;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t count_ = 0;
};

template <class Matches>
size_t RecordIndex::SlotFor(size_t hash, Matches&& matches) const {
  const uint32_t tag = Tag(hash);
  size_t i = Home(hash);
  for (uint32_t slot = slots_[i]; slot != 0; slot = slots_[i]) {
    if ((slot & 0xFF) == tag && matches(PositionOf(slot))) break;
    i = (i + 1) & mask_;
  }
  return i;
}

template <class Matches>
uint32_t RecordIndex::FindOrInsert(size_t hash, Matches&& matches, uint32_t position_if_absent,
                                   bool* inserted) {
  const size_t i = SlotFor(hash, matches);
  *inserted = slots_[i] == 0;
  if (!*inserted) return PositionOf(slots_[i]);
  slots_[i] = Slot(position_if_absent, Tag(hash));
  ++count_;
  return position_if_absent;
}

template <class Matches>
int64_t RecordIndex::Find(size_t hash, Matches&& matches) const {
  if (capacity_ == 0) return -1;
  const uint32_t slot = slots_[SlotFor(hash, matches)];
  if (slot == 0) return -1;
  return PositionOf(slot);
}

}  // namespace pinsync::aggregate
