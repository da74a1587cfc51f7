#pragma once
// Decoder metrics. Labels are the fixed reason strings of DecodeErrc only.

#include <array>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "pinsync/decode/decode_error.h"

namespace pinsync::decode {

struct DecoderStats {
  prometheus::Counter& decoded;  // pinsync_events_decoded_total
  // pinsync_events_rejected_total{reason}, indexed by DecodeErrc.
  std::array<prometheus::Counter*, std::size(kAllDecodeErrcs)> rejected{};

  void CountRejected(DecodeErrc code) { rejected[static_cast<size_t>(code)]->Increment(); }

  static DecoderStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::decode
