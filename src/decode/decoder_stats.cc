#include "pinsync/decode/decoder_stats.h"

#include <string>

#include <prometheus/family.h>

namespace pinsync::decode {

DecoderStats DecoderStats::Create(prometheus::Registry& registry) {
  auto& decoded = prometheus::BuildCounter()
                      .Name("pinsync_events_decoded_total")
                      .Help("Kafka messages decoded into a membership event")
                      .Register(registry)
                      .Add({});
  auto& rejected = prometheus::BuildCounter()
                       .Name("pinsync_events_rejected_total")
                       .Help("Kafka messages the decoder rejected, by reason (see docs/events.md)")
                       .Register(registry);
  auto& skipped = prometheus::BuildCounter()
                      .Name("pinsync_events_skipped_total")
                      .Help(
                          "Kafka messages that are not about audience membership (e.g. Segment "
                          "identify calls without an audience trait), by reason; not "
                          "dead-lettered")
                      .Register(registry);
  DecoderStats stats{decoded, {}, {}, 0};
  for (SkipReason reason : kAllSkipReasons) {
    stats.skipped[static_cast<size_t>(reason)] =
        &skipped.Add({{"reason", std::string(Reason(reason))}});
  }
  for (DecodeErrc code : kAllDecodeErrcs) {
    stats.rejected[static_cast<size_t>(code)] =
        &rejected.Add({{"reason", std::string(Reason(code))}});
  }
  return stats;
}

}  // namespace pinsync::decode
