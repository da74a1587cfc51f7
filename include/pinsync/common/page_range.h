#pragma once
// The whole pages inside a block of memory: what may be advised (madvise acts on whole pages)
// without touching a neighbour's. Shared by the prefault (4 KB pages) and the huge-page heap.

#include <cstddef>
#include <cstdint>

namespace pinsync {

struct AddressRange {
  uintptr_t begin;
  size_t bytes;
};

// The whole pages of `page_bytes` (a power of two) inside [begin, begin + bytes); empty if none.
inline AddressRange WholePagesInside(uintptr_t begin, size_t bytes, size_t page_bytes) {
  const uintptr_t mask = page_bytes - 1;
  const uintptr_t first = (begin + mask) & ~mask;
  const uintptr_t end = (begin + bytes) & ~mask;
  if (first < begin || end <= first) return {first, 0};
  return {first, end - first};
}

}  // namespace pinsync
