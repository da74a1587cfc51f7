#pragma once
// Which malloc this process runs on. The pinsync executable links tcmalloc (CMake's
// PINSYNC_MALLOC; why in docs/performance.md, tenth pass), its libraries and test programs keep
// glibc's, and LD_PRELOAD can swap either: pinsync_build_info reports what is actually in use,
// so an operator comparing memory across replicas or images can tell.

#include <dlfcn.h>

#include <string_view>

namespace pinsync {

// "tcmalloc", "jemalloc" or "system" (glibc's, or one not recognized).
inline std::string_view ActiveAllocator() {
  // Symbols only that allocator exports, looked up in everything the process has loaded.
  if (dlsym(RTLD_DEFAULT, "tc_malloc") != nullptr) return "tcmalloc";
  if (dlsym(RTLD_DEFAULT, "mallctl") != nullptr) return "jemalloc";
  return "system";
}

}  // namespace pinsync
