#pragma once
// The arithmetic of a heap backed by transparent huge pages (src/app/huge_page_heap.cc installs
// one under tcmalloc), kept here so it is unit-tested without replacing a test program's malloc.
//
// Why: on the development VM a fresh 4 KB page cost ~10 µs on its first write (a guest fault and
// the hypervisor's own mapping of it), and pinsync touches a fresh page for about every 20
// messages it buffers, so faults were ~0.45 µs of its ~2.6 µs per message; a 2 MB huge page costs
// ~0.3–0.5 µs per 4 KB of it (docs/performance.md, issue 10, thirteenth pass). tcmalloc carves
// every allocation out of the blocks it asks the system for: asking in whole, aligned huge pages
// and advising them MADV_HUGEPAGE is enough for the kernel to back them with huge pages when its
// policy allows (transparent_hugepage/enabled "madvise" or "always"; with "never" the advice is
// ignored and nothing changes).

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pinsync {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// What to ask the system for when the heap needs `size` bytes at `alignment`: whole huge pages,
// aligned to one (a larger alignment is kept). A size too close to SIZE_MAX to round (a length
// that went negative) is passed on as asked: gperftools' sbrk allocator adds the alignment to
// the size before checking it, and a 2 MB alignment would wrap where its own 8 KB one is refused.
struct HugePageRequest {
  size_t size;
  size_t alignment;
};
inline HugePageRequest HugePageRequestFor(size_t size, size_t alignment) {
  if (size > SIZE_MAX - 2 * kHugePageBytes || alignment > SIZE_MAX / 2) return {size, alignment};
  return {(size + kHugePageBytes - 1) & ~(kHugePageBytes - 1),
          alignment > kHugePageBytes ? alignment : kHugePageBytes};
}

// The environment variable that turns the huge-page heap off. Read before any configuration
// exists, so the configuration's environment overrides leave it alone.
inline constexpr char kHugePageHeapVariable[] = "PINSYNC_HEAP_HUGE_PAGES";

// The variable's value: huge pages are advised unless it says off, false, no or 0 (any case; an
// operator whose nodes misbehave with transparent huge pages turns them off for pinsync alone).
inline bool HugePageHeapWanted(const char* env_value) {
  if (env_value == nullptr) return true;
  const std::string_view v(env_value);
  for (std::string_view no : {"off", "false", "no", "0"}) {
    if (v.size() == no.size() && std::equal(v.begin(), v.end(), no.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return false;
    }
  }
  return true;
}

}  // namespace pinsync
