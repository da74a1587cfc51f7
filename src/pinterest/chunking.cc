#include "pinsync/pinterest/chunking.h"

#include <algorithm>

#include "pinsync/common/hex.h"

namespace pinsync::pinterest {

std::vector<RecordChunk> PlanChunks(std::span<const aggregate::BatchRecord> records,
                                    size_t max_records, size_t max_body_bytes,
                                    size_t overhead_bytes) {
  max_records = std::max<size_t>(1, max_records);
  std::vector<RecordChunk> chunks;
  RecordChunk current;
  size_t bytes = overhead_bytes;
  for (size_t i = 0; i < records.size(); ++i) {
    size_t record_bytes = records[i].id.length * 2u + (current.empty() ? 0u : 1u);  // hex + comma
    bool full = current.size() >= max_records || bytes + record_bytes > max_body_bytes;
    if (!current.empty() && full) {
      chunks.push_back(std::move(current));
      current.clear();
      bytes = overhead_bytes;
      record_bytes = records[i].id.length * 2u;
    }
    current.push_back(static_cast<uint32_t>(i));
    bytes += record_bytes;
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  return chunks;
}

size_t JoinedRecordsBytes(std::span<const aggregate::BatchRecord> records,
                          const RecordChunk& chunk) {
  size_t size = chunk.empty() ? 0 : chunk.size() - 1;
  for (const uint32_t index : chunk) size += records[index].id.length * 2u;
  return size;
}

void AppendJoinedRecords(std::span<const aggregate::BatchRecord> records, const RecordChunk& chunk,
                         std::string& out) {
  // Hex written straight into the output: no string per record.
  const size_t start = out.size();
  out.resize(start + JoinedRecordsBytes(records, chunk), ',');
  char* at = out.data() + start;
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (i > 0) ++at;  // the comma is already there
    const HashedId& id = records[chunk[i]].id;
    at = WriteHex({id.bytes.data(), id.length}, at);
  }
}

std::string JoinRecords(std::span<const aggregate::BatchRecord> records, const RecordChunk& chunk) {
  std::string out;
  AppendJoinedRecords(records, chunk, out);
  return out;
}

}  // namespace pinsync::pinterest
