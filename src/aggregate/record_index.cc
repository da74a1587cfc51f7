#include "pinsync/aggregate/record_index.h"

#include <bit>
#include <cassert>
#include <cstdlib>
#include <new>

#include "pinsync/common/prefault.h"

namespace pinsync::aggregate {

RecordIndex::~RecordIndex() { Reset(0); }

size_t RecordIndex::capacity_for(size_t records) {
  size_t capacity = 16;
  while (records * 5 > capacity * 4) capacity *= 2;
  return capacity;
}

void RecordIndex::Reset(size_t capacity) {
  assert(capacity == 0 || std::has_single_bit(capacity));
  if (slots_ != nullptr) {
    std::free(slots_);
    memory_->Freed(capacity_ * sizeof(uint32_t));
  }
  slots_ = nullptr;
  capacity_ = 0;
  mask_ = 0;
  shift_ = 64;
  count_ = 0;
  if (capacity == 0) return;
  // calloc: fresh pages come zeroed from the kernel without being written here.
  slots_ = static_cast<uint32_t*>(std::calloc(capacity, sizeof(uint32_t)));
  if (slots_ == nullptr) throw std::bad_alloc();
  memory_->Allocated(capacity * sizeof(uint32_t));
  // The owner re-inserts every record next, which touches every page of a large table at once.
  PrefaultForWrite(slots_, capacity * sizeof(uint32_t));
  capacity_ = capacity;
  mask_ = capacity - 1;
  shift_ = 64 - std::countr_zero(capacity);
}

void RecordIndex::Insert(size_t hash, uint32_t position) {
  assert(!full_for_one_more() && position < kMaxPositions);
  // Known absent: only an empty slot ends the probe.
  slots_[SlotFor(hash, [](uint32_t) { return false; })] = Slot(position, Tag(hash));
  ++count_;
}

}  // namespace pinsync::aggregate
