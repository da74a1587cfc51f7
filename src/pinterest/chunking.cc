#include "pinsync/pinterest/chunking.h"

#include <algorithm>

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

std::string JoinRecords(std::span<const aggregate::BatchRecord> records, const RecordChunk& chunk) {
  std::string out;
  if (!chunk.empty()) out.reserve(chunk.size() * (records[chunk[0]].id.length * 2u + 1));
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += records[chunk[i]].id.Hex();
  }
  return out;
}

}  // namespace pinsync::pinterest
