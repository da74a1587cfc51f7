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
  DecoderStats stats{decoded, {}};
  for (DecodeErrc code : kAllDecodeErrcs) {
    stats.rejected[static_cast<size_t>(code)] =
        &rejected.Add({{"reason", std::string(Reason(code))}});
  }
  return stats;
}

}  // namespace pinsync::decode
