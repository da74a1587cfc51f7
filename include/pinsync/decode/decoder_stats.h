#pragma once
// Decoder metrics. Labels are the fixed reason strings of DecodeErrc and SkipReason only.

#include <array>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "pinsync/decode/decode_error.h"
#include "pinsync/decode/decode_result.h"

namespace pinsync::decode {

// Threading: one consumer thread counts and publishes; prometheus scrapes the counters.
struct DecoderStats {
  prometheus::Counter& decoded;  // pinsync_events_decoded_total
  // pinsync_events_rejected_total{reason}, indexed by DecodeErrc.
  std::array<prometheus::Counter*, std::size(kAllDecodeErrcs)> rejected{};

  // pinsync_events_skipped_total{reason}, indexed by SkipReason.
  std::array<prometheus::Counter*, std::size(kAllSkipReasons)> skipped{};

  // Decoded messages not yet added to `decoded`. A successful decode happens once per message:
  // it is tallied here and published by Publish(), once per poll batch
  // (SyncPipeline::UpdateGauges), rather than paying an atomic update per message. Rejections
  // and skips are rare and counted at once.
  uint64_t unpublished_decoded = 0;

  void CountDecoded() { ++unpublished_decoded; }
  void Publish() {
    if (unpublished_decoded == 0) return;
    decoded.Increment(static_cast<double>(unpublished_decoded));
    unpublished_decoded = 0;
  }
  void CountRejected(DecodeErrc code) { rejected[static_cast<size_t>(code)]->Increment(); }
  void CountSkipped(SkipReason reason) { skipped[static_cast<size_t>(reason)]->Increment(); }
  void Count(const DecodeStatus& result) {
    if (result.ok()) {
      CountDecoded();
    } else if (result.skipped()) {
      CountSkipped(result.skip_reason());
    } else {
      CountRejected(result.error().code);
    }
  }

  static DecoderStats Create(prometheus::Registry& registry);
};

}  // namespace pinsync::decode
