#pragma once
// EventDecoder's fast reader: simdjson's DOM parser reads a native event into the same
// EventFields the RapidJSON collector fills (event_fields.h), which takes about a quarter off
// decode (docs/performance.md, issue 10, fourteenth pass).
//
// It only ever answers for values simdjson accepts. Whenever simdjson rejects a value, the value
// holds a number with a fraction or an exponent (where the two parsers' grammars differ at the
// edges: RapidJSON rejects 0e400), or the value is over kSimdjsonReaderMaxBytes, it declines and
// EventDecoder reads the value again with the RapidJSON reference: every error code and message
// still comes from that one path, and the fast reader cannot turn a rejected message into an
// accepted one. Both parsers are strict RFC 8259 parsers (nesting bounded at kMaxNestingDepth in
// both), and simdjson also rejects invalid UTF-8, unescaped control characters and escaped lone
// surrogates, so every string it returns is valid UTF-8 and needs none of the reference path's
// escape checks. Parity: what a value gives through either path must be identical
// (tests/decode/event_reader_parity_test.cc; decoder_fuzz checks it on every input).
//
// Threading: one parser per thread (thread_local, ~0.3 MB once used); the views it puts into
// EventFields point into that parser and stay valid until the thread's next read.

#include <cstddef>
#include <string_view>

#include "event_fields.h"

namespace pinsync::decode {

// Larger values go to the reference reader (events are ~200 bytes; the parser's memory grows with
// the largest value it has read, so it is capped).
inline constexpr size_t kSimdjsonReaderMaxBytes = 16 * 1024;

// True if simdjson accepted `value`: `fields` then describe it and the identifiers it named were
// appended to `raw` (which the caller passes empty). False: declined; `fields` and `raw` are
// unspecified and the caller reads the value with the reference reader.
bool ReadEventFieldsWithSimdjson(std::string_view value, RawIdentifiers& raw, EventFields& fields);

}  // namespace pinsync::decode
