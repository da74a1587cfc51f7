#include "pinsync/pinterest/chunking.h"

#include <gtest/gtest.h>

#include "pinsync/pinterest/api_json.h"
#include "pinterest/test_records.h"

namespace pinsync::pinterest {
namespace {

using testing::Records;

std::vector<size_t> Sizes(const std::vector<RecordChunk>& chunks) {
  std::vector<size_t> out;
  for (const auto& c : chunks) out.push_back(c.size());
  return out;
}

TEST(ChunkingTest, RecordCountBoundaries) {
  const size_t big = 1 << 30;
  EXPECT_EQ(Sizes(PlanChunks(Records(0, 1899), 1900, big, 0)), (std::vector<size_t>{1899}));
  EXPECT_EQ(Sizes(PlanChunks(Records(0, 1900), 1900, big, 0)), (std::vector<size_t>{1900}));
  EXPECT_EQ(Sizes(PlanChunks(Records(0, 1901), 1900, big, 0)), (std::vector<size_t>{1900, 1}));
  EXPECT_EQ(Sizes(PlanChunks(Records(0, 3800), 1900, big, 0)), (std::vector<size_t>{1900, 1900}));
  EXPECT_TRUE(PlanChunks(Records(0, 0), 1900, big, 0).empty());
}

TEST(ChunkingTest, ChunksCoverEveryRecordOnceInOrder) {
  auto records = Records(0, 5000);
  auto chunks = PlanChunks(records, 1900, 1 << 20, 60);
  uint32_t next = 0;
  for (const auto& c : chunks) {
    for (uint32_t i : c) EXPECT_EQ(i, next++);
  }
  EXPECT_EQ(next, 5000u);
}

TEST(ChunkingTest, ByteCapIsExactForTheWholeBody) {
  // Each SHA-256 record is 64 hex characters plus a comma between records.
  const size_t overhead = UpdateBodyOverhead();
  const size_t ten_records = overhead + 10 * 64 + 9;
  auto records = Records(0, 25);
  EXPECT_EQ(Sizes(PlanChunks(records, 1900, ten_records, overhead)),
            (std::vector<size_t>{10, 10, 5}));
  EXPECT_EQ(Sizes(PlanChunks(records, 1900, ten_records - 1, overhead)),
            (std::vector<size_t>{9, 9, 7}));
  // The planned size is the real body size.
  auto chunks = PlanChunks(records, 1900, ten_records, overhead);
  EXPECT_EQ(UpdateListBody(MembershipOp::kRemove, JoinRecords(records, chunks[0])).size(),
            ten_records);
}

TEST(ChunkingTest, BothLimitsTheTighterWins) {
  auto records = Records(0, 100);
  EXPECT_EQ(Sizes(PlanChunks(records, 30, 1 << 20, 0)), (std::vector<size_t>{30, 30, 30, 10}));
  EXPECT_EQ(Sizes(PlanChunks(records, 1900, 20 * 65, 0)).front(), 20u);
}

TEST(ChunkingTest, OversizedSingleRecordStillGetsAChunk) {
  EXPECT_EQ(Sizes(PlanChunks(Records(0, 3), 1900, 10, 0)), (std::vector<size_t>{1, 1, 1}));
}

TEST(ChunkingTest, JoinRecordsIsCommaSeparatedLowercaseHex) {
  auto records = Records(0, 3);
  std::string joined = JoinRecords(records, {0, 2});
  EXPECT_EQ(joined, records[0].id.Hex() + "," + records[2].id.Hex());
  for (char c : joined) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ',');
}

}  // namespace
}  // namespace pinsync::pinterest
