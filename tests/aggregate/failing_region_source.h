#pragma once
// A RegionSource over the real one that can refuse to map or to advise huge pages, and counts
// what it mapped, for the HugePagePool tests.

#include <cstddef>

#include "pinsync/aggregate/huge_page_pool.h"

namespace pinsync::aggregate::testing {

class FailingRegionSource final : public RegionSource {
 public:
  bool refuse_map = false;
  bool refuse_advice = false;
  size_t maps = 0;
  size_t mapped_bytes = 0;  // currently mapped

  void* Map(size_t bytes) override {
    if (refuse_map) return nullptr;
    void* region = SystemRegionSource().Map(bytes);
    if (region != nullptr) {
      ++maps;
      mapped_bytes += bytes;
    }
    return region;
  }
  bool AdviseHugePages(void* region, size_t bytes) override {
    return !refuse_advice && SystemRegionSource().AdviseHugePages(region, bytes);
  }
  void Unmap(void* region, size_t bytes) override {
    mapped_bytes -= bytes;
    SystemRegionSource().Unmap(region, bytes);
  }
};

}  // namespace pinsync::aggregate::testing
