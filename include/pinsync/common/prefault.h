#pragma once
// Maps in, in one system call, the pages of a large block that is about to be written in full.
//
// Why: a fresh page costs a fault on its first write, and on a virtualized host each fault is a
// trip through the hypervisor. On the development VM a 4 KB fault cost ~6-12 µs, and writing
// 72 MB of freshly reserved vectors took ~2x the CPU that the same writes took after
// madvise(MADV_POPULATE_WRITE) (docs/performance.md, issue 10). The flush of a large batch and
// the growth of a record index write whole blocks like that.
//
// Best effort: only the whole pages inside [data, data + bytes) are touched, blocks under
// kMinPrefaultBytes are left alone (a few faults cost less than the call), and a kernel before
// 5.14 refuses the advice (EINVAL), in which case the pages fault in as they are written. The
// contents are never changed. Threading: none; any thread may call it on memory it owns.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <iterator>

#include "pinsync/common/page_range.h"

namespace pinsync {

inline constexpr size_t kMinPrefaultBytes = 64 * 1024;

// True if the kernel populated the pages (always false under kMinPrefaultBytes).
inline bool PrefaultForWrite(void* data, size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  constexpr size_t kPage = 4096;  // the smallest page size; larger pages are multiples
  if (data == nullptr || bytes < kMinPrefaultBytes) return false;
  const AddressRange pages = WholePagesInside(reinterpret_cast<uintptr_t>(data), bytes, kPage);
  if (pages.bytes == 0) return false;
  return madvise(reinterpret_cast<void*>(pages.begin), pages.bytes, MADV_POPULATE_WRITE) == 0;
#else
  (void)data;
  (void)bytes;
  return false;
#endif
}

// The unused capacity of a vector about to be filled to (at most) its capacity.
template <class Vector>
bool PrefaultCapacity(Vector& v) {
  return PrefaultForWrite(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(*v.data()));
}

// Grows `v` to hold `capacity` elements (no-op if it already does) and maps the new block in
// whole before the elements already there are copied over: reserve() followed by
// PrefaultCapacity would copy first and take a fault per page of the copied part. True if the
// kernel populated the new block.
template <class Vector>
bool ReservePrefaulted(Vector& v, size_t capacity) {
  if (capacity <= v.capacity()) return false;
  Vector grown;
  grown.reserve(capacity);
  const bool populated = PrefaultCapacity(grown);
  grown.insert(grown.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  v.swap(grown);
  return populated;
}

}  // namespace pinsync
