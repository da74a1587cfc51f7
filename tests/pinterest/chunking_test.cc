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

TEST(ChunkingTest, HexCoversEveryByteValue) {
  std::vector<aggregate::BatchRecord> records(1);
  records[0].id.length = 32;
  std::string expected;
  for (int round = 0; round < 8; ++round) {
    for (size_t b = 0; b < 32; ++b) {
      const auto value = static_cast<uint8_t>(round * 32 + b);
      records[0].id.bytes[b] = value;
      static constexpr char kDigits[] = "0123456789abcdef";
      expected += kDigits[value >> 4];
      expected += kDigits[value & 0xf];
    }
    EXPECT_EQ(JoinRecords(records, {0}), expected.substr(round * 64, 64));
  }
}

TEST(ChunkingTest, AppendJoinedRecordsAddsAfterWhatIsThere) {
  auto records = Records(0, 5);
  const RecordChunk chunk = {4, 1, 3};
  std::string out = "head:";
  AppendJoinedRecords(records, chunk, out);
  EXPECT_EQ(out, "head:" + JoinRecords(records, chunk));
  EXPECT_EQ(JoinedRecordsBytes(records, chunk), JoinRecords(records, chunk).size());
  EXPECT_EQ(JoinedRecordsBytes(records, {}), 0u);
  std::string unchanged = "x";
  AppendJoinedRecords(records, {}, unchanged);
  EXPECT_EQ(unchanged, "x");
}

// The delivery engine writes bodies in one pass (the open form, the records, the end); they must
// be byte for byte the bodies of the string forms, which the sandbox's contract tests check.
TEST(ChunkingTest, OnePassBodiesEqualTheStringForms) {
  auto records = Records(0, 2000);
  const std::string name = "list \"quoted\" \xc3\xa9";  // escaped by the writer
  for (const RecordChunk& chunk : PlanChunks(records, 1900, 1 << 20, CreateBodyOverhead(name))) {
    const std::string joined = JoinRecords(records, chunk);
    const size_t bytes = JoinedRecordsBytes(records, chunk);
    for (MembershipOp op : {MembershipOp::kAdd, MembershipOp::kRemove}) {
      std::string body = UpdateListBodyOpen(op, bytes);
      const size_t reserved = body.capacity();
      AppendJoinedRecords(records, chunk, body);
      body.append(kRecordsBodyEnd);
      EXPECT_EQ(body, UpdateListBody(op, joined));
      EXPECT_EQ(body.capacity(), reserved) << "the body grew after its room was reserved";
    }
    for (ListType type : {ListType::kEmail, ListType::kMaid}) {
      std::string body = CreateListBodyOpen(name, type, bytes);
      AppendJoinedRecords(records, chunk, body);
      body.append(kRecordsBodyEnd);
      EXPECT_EQ(body, CreateListBody(name, type, joined));
    }
  }
}

}  // namespace
}  // namespace pinsync::pinterest
