// tcmalloc's heap on transparent huge pages: a SysAllocator in front of tcmalloc's own that asks
// for whole, aligned 2 MB blocks and advises them MADV_HUGEPAGE (why, and the arithmetic:
// pinsync/common/huge_page_heap.h). Installed before main by a static initializer, while the
// process has one thread: tcmalloc (a shared library) is initialized by then, and allocations
// made before it came from the default allocator, which stays the fallback.
#include "pinsync/app/huge_page_heap.h"

#include <cstdlib>

#ifdef PINSYNC_TCMALLOC
#include <gperftools/malloc_extension.h>
#include <sys/mman.h>

#include <new>

#include "pinsync/common/huge_page_heap.h"
#include "pinsync/common/page_range.h"
#endif

namespace pinsync::app {
namespace {

std::string_view state = "not used (the heap is not tcmalloc's)";

#ifdef PINSYNC_TCMALLOC
class HugePageSysAllocator final : public SysAllocator {
 public:
  explicit HugePageSysAllocator(SysAllocator* fallback) : fallback_(fallback) {}

  // Runs under tcmalloc's system-allocation lock: must not allocate.
  void* Alloc(size_t size, size_t* actual_size, size_t alignment) override {
    const HugePageRequest request = HugePageRequestFor(size, alignment);
    size_t got = 0;
    void* block = fallback_->Alloc(request.size, &got, request.alignment);
    // Refused (address space, a limit): the plain request may still fit.
    if (block == nullptr) return fallback_->Alloc(size, actual_size, alignment);
    const AddressRange advised =
        WholePagesInside(reinterpret_cast<uintptr_t>(block), got, kHugePageBytes);
    // Best effort: a kernel without transparent huge pages refuses, and 4 KB pages remain.
    if (advised.bytes > 0) {
      madvise(reinterpret_cast<void*>(advised.begin), advised.bytes, MADV_HUGEPAGE);
    }
    if (actual_size != nullptr) *actual_size = got;
    return block;
  }

 private:
  SysAllocator* fallback_;
};

alignas(HugePageSysAllocator) unsigned char allocator_storage[sizeof(HugePageSysAllocator)];

struct Installer {
  Installer() {
    if (!HugePageHeapWanted(std::getenv(kHugePageHeapVariable))) {
      state = "off (PINSYNC_HEAP_HUGE_PAGES)";
      return;
    }
    MallocExtension* tcmalloc = MallocExtension::instance();
    SysAllocator* fallback = tcmalloc->GetSystemAllocator();
    if (fallback == nullptr) return;
    // Placement new: never destroyed, tcmalloc may allocate until the process is gone.
    tcmalloc->SetSystemAllocator(new (allocator_storage) HugePageSysAllocator(fallback));
    state = "advised";
  }
} installer;
#endif

}  // namespace

std::string_view HugePageHeapState() { return state; }

}  // namespace pinsync::app
