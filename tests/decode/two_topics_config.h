#pragma once
// The DecoderSet tests' configuration: "membership" (kafka.topics, native) and "engage" (an input
// in the segment format).

#include "pinsync/config/config.h"

namespace pinsync::decode {

inline config::Config TwoTopicsConfig() {
  config::Config c;
  c.kafka.topics = {"membership"};
  config::InputConfig segment;
  segment.topic = "engage";
  segment.format = config::InputFormat::kSegment;
  c.inputs.push_back(segment);
  return c;
}

}  // namespace pinsync::decode
