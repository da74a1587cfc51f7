#pragma once
// Whether the pinsync executable's heap asks for transparent huge pages (src/app/huge_page_heap.cc;
// why in pinsync/common/huge_page_heap.h): "advised", "off (PINSYNC_HEAP_HUGE_PAGES)", or "not
// used" when the heap is not tcmalloc's (sanitizer builds, PINSYNC_MALLOC=system). Logged at
// start-up. Whether the kernel grants them is its policy (transparent_hugepage/enabled).

#include <string_view>

namespace pinsync::app {

std::string_view HugePageHeapState();

}  // namespace pinsync::app
