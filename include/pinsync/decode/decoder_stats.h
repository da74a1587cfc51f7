#pragma once
// Decoder metrics. Labels are the fixed reason strings of DecodeErrc and SkipReason only.

#include <array>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/decode_result.h"

namespace pinsync::decode {

struct DecoderStats {
  prometheus::Counter& decoded;  // pinsync_events_decoded_total
  // pinsync_events_rejected_total{reason}, indexed by DecodeErrc.
  std::array<prometheus::Counter*, std::size(kAllDecodeErrcs)> rejected{};

  // pinsync_events_skipped_total{reason}, indexed by SkipReason.
  std::array<prometheus::Counter*, std::size(kAllSkipReasons)> skipped{};

  void CountRejected(DecodeErrc code) { rejected[static_cast<size_t>(code)]->Increment(); }
  void CountSkipped(SkipReason reason) { skipped[static_cast<size_t>(reason)]->Increment(); }
  void Count(const DecodeStatus& result) {
    if (result.ok()) {
      decoded.Increment();
    } else if (result.skipped()) {
      CountSkipped(result.skip_reason());
    } else {
      CountRejected(result.error().code);
    }
  }

  static DecoderStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::decode
