// PrefaultForWrite: pages mapped in ahead of the writes, contents untouched, small and empty
// blocks left alone.

#include "pinsync/common/prefault.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace pinsync {
namespace {

// The faults writing `bytes` may still take after a prefault: none of ours, but a sanitizer's
// shadow memory (one byte per 8, mapped on first touch) is not ours to prefault.
long AllowedFaults(size_t bytes) { return static_cast<long>(bytes / 8 / 4096) + 2; }

long MinorFaultsOfThisThread() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

// A fresh anonymous mapping: no page is mapped until it is touched.
struct FreshMapping {
  explicit FreshMapping(size_t bytes) : bytes(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
  }
  ~FreshMapping() {
    if (data != nullptr) munmap(data, bytes);
  }
  size_t bytes;
  char* data;
};

TEST(PrefaultForWrite, MapsInEveryPageSoTheWritesThatFollowDoNotFault) {
  constexpr size_t kBytes = 256 * 4096;
  FreshMapping fresh(kBytes);
  ASSERT_NE(fresh.data, nullptr);
  if (!PrefaultForWrite(fresh.data, kBytes)) {
    // A kernel before 5.14 refuses the advice: the call must then be harmless, checked below.
    std::memset(fresh.data, 1, kBytes);
    EXPECT_EQ(fresh.data[kBytes - 1], 1);
    GTEST_SKIP() << "MADV_POPULATE_WRITE is not supported by this kernel";
  }
  const long before = MinorFaultsOfThisThread();
  std::memset(fresh.data, 1, kBytes);
  const long faults = MinorFaultsOfThisThread() - before;
  EXPECT_LE(faults, AllowedFaults(kBytes)) << "the 256 pages were not mapped in ahead";

  // Without it, the same writes fault about once per page: the measurement above can fail.
  FreshMapping plain(kBytes);
  ASSERT_NE(plain.data, nullptr);
  const long plain_before = MinorFaultsOfThisThread();
  std::memset(plain.data, 1, kBytes);
  EXPECT_GE(MinorFaultsOfThisThread() - plain_before, 200);
}

TEST(PrefaultForWrite, KeepsWhatTheBlockHolds) {
  std::vector<int> values(100'000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int>(i * 7);
  PrefaultForWrite(values.data(), values.size() * sizeof(int));
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], static_cast<int>(i * 7)) << i;
}

TEST(PrefaultForWrite, LeavesSmallAndEmptyBlocksAlone) {
  EXPECT_FALSE(PrefaultForWrite(nullptr, 1 << 20));
  std::vector<char> small(kMinPrefaultBytes - 1);
  EXPECT_FALSE(PrefaultForWrite(small.data(), small.size()));
  std::vector<char> none;
  EXPECT_FALSE(PrefaultCapacity(none));
}

TEST(PrefaultCapacity, CoversTheReservedTailOfAVector) {
  std::vector<uint64_t> records = {1, 2, 3};
  records.reserve(64 * 1024);
  const bool populated = PrefaultCapacity(records);
  EXPECT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2], 3u);
  if (populated) {
    const long before = MinorFaultsOfThisThread();
    for (uint64_t i = 3; i < 64 * 1024; ++i) records.push_back(i);
    EXPECT_LE(MinorFaultsOfThisThread() - before, AllowedFaults(64 * 1024 * sizeof(uint64_t)));
  }
}

TEST(ReservePrefaulted, KeepsTheElementsAndMapsInTheWholeBlock) {
  std::vector<uint64_t> records = {1, 2, 3};
  const bool populated = ReservePrefaulted(records, 64 * 1024);
  ASSERT_GE(records.capacity(), 64u * 1024);
  EXPECT_EQ(records, (std::vector<uint64_t>{1, 2, 3}));
  const uint64_t* block = records.data();
  EXPECT_FALSE(ReservePrefaulted(records, 16)) << "already large enough";
  EXPECT_EQ(records.data(), block);
  const long before = MinorFaultsOfThisThread();
  for (uint64_t i = 3; i < 64 * 1024; ++i) records.push_back(i);
  if (populated) {  // a kernel before 5.14 refuses the advice: the writes then fault, harmlessly
    EXPECT_LE(MinorFaultsOfThisThread() - before, AllowedFaults(64 * 1024 * sizeof(uint64_t)));
  }
  EXPECT_EQ(records.size(), 64u * 1024);
  EXPECT_EQ(records.back(), 64u * 1024 - 1);
}

}  // namespace
}  // namespace pinsync
