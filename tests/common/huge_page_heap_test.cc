// The huge-page heap's arithmetic: requests in whole, aligned huge pages, the advised range
// inside what the system returned, and the environment switch.

#include "pinsync/common/huge_page_heap.h"

#include "pinsync/common/page_range.h"

#include <gtest/gtest.h>

namespace pinsync {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

TEST(HugePageHeapTest, RequestsWholeAlignedHugePages) {
  EXPECT_EQ(HugePageRequestFor(1, 4096).size, 2 * kMiB);
  EXPECT_EQ(HugePageRequestFor(1, 4096).alignment, 2 * kMiB);
  EXPECT_EQ(HugePageRequestFor(2 * kMiB, 8192).size, 2 * kMiB);
  EXPECT_EQ(HugePageRequestFor(2 * kMiB + 1, 8192).size, 4 * kMiB);
  EXPECT_EQ(HugePageRequestFor(7 * kMiB, 4096).size, 8 * kMiB);
  // A larger alignment than a huge page is kept.
  EXPECT_EQ(HugePageRequestFor(1, 16 * kMiB).alignment, 16 * kMiB);
  // Too large to round: passed on as asked, alignment included (a 2 MB alignment added to such
  // a size would wrap in the system allocator's own check).
  for (size_t size : {SIZE_MAX - 5, SIZE_MAX - 2 * kMiB + 1, SIZE_MAX - 3 * kMiB}) {
    EXPECT_EQ(HugePageRequestFor(size, 8192).size, size);
    EXPECT_EQ(HugePageRequestFor(size, 8192).alignment, 8192u);
  }
  EXPECT_EQ(HugePageRequestFor(SIZE_MAX - 5 * kMiB, 8192).size, SIZE_MAX - 4 * kMiB + 1);
}

TEST(HugePageHeapTest, AdvisesOnlyTheWholeHugePagesOfABlock) {
  auto WholeHugePages = [](uintptr_t begin, size_t bytes) {
    return WholePagesInside(begin, bytes, kHugePageBytes);
  };
  // Aligned and whole: all of it.
  AddressRange r = WholeHugePages(8 * kMiB, 4 * kMiB);
  EXPECT_EQ(r.begin, 8 * kMiB);
  EXPECT_EQ(r.bytes, 4 * kMiB);
  // Unaligned start and end: the huge pages strictly inside.
  r = WholeHugePages(8 * kMiB + 4096, 6 * kMiB);
  EXPECT_EQ(r.begin, 10 * kMiB);
  EXPECT_EQ(r.bytes, 4 * kMiB);
  // Less than one whole huge page inside: nothing.
  EXPECT_EQ(WholeHugePages(8 * kMiB + 4096, 2 * kMiB).bytes, 0u);
  EXPECT_EQ(WholeHugePages(8 * kMiB, kMiB).bytes, 0u);
  EXPECT_EQ(WholeHugePages(8 * kMiB, 0).bytes, 0u);
}

TEST(HugePageHeapTest, OnUnlessTheEnvironmentTurnsItOff) {
  EXPECT_TRUE(HugePageHeapWanted(nullptr));
  EXPECT_TRUE(HugePageHeapWanted("on"));
  EXPECT_TRUE(HugePageHeapWanted(""));
  EXPECT_FALSE(HugePageHeapWanted("off"));
  EXPECT_FALSE(HugePageHeapWanted("OFF"));
  EXPECT_FALSE(HugePageHeapWanted("false"));
  EXPECT_FALSE(HugePageHeapWanted("False"));
  EXPECT_FALSE(HugePageHeapWanted("no"));
  EXPECT_FALSE(HugePageHeapWanted("0"));
  EXPECT_TRUE(HugePageHeapWanted("offf"));
  EXPECT_TRUE(HugePageHeapWanted("of"));
}

}  // namespace
}  // namespace pinsync
