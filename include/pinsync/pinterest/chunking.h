#pragma once
// Splitting a batch's records into request bodies within Pinterest's limits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pinsync/aggregate/batch.h"

namespace pinsync::pinterest {

// Indices into a batch's adds or removes: one request's records.
using RecordChunk = std::vector<uint32_t>;

// Consecutive chunks of at most `max_records` records whose body ("records":"h1,h2,...") stays
// within `max_body_bytes` given `overhead_bytes` for the rest of the JSON. A single record larger
// than the byte budget still gets a chunk of its own (Pinterest then judges it).
std::vector<RecordChunk> PlanChunks(std::span<const aggregate::BatchRecord> records,
                                    size_t max_records, size_t max_body_bytes,
                                    size_t overhead_bytes);

// The comma-separated lowercase hex hashes of the chunk's records.
std::string JoinRecords(std::span<const aggregate::BatchRecord> records, const RecordChunk& chunk);
// Their length in bytes.
size_t JoinedRecordsBytes(std::span<const aggregate::BatchRecord> records,
                          const RecordChunk& chunk);
// Appends them to `out` (at most one reallocation; none when `out` has the room reserved).
void AppendJoinedRecords(std::span<const aggregate::BatchRecord> records, const RecordChunk& chunk,
                         std::string& out);

}  // namespace pinsync::pinterest
