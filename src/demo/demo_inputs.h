#pragma once
// What `pinsync demo --format` changes beside the stream: the schema registry an avro demo
// needs, and the connector's input configuration for the demo's topic.

#include <memory>
#include <string>

#include "pinsync/common/result.h"
#include "pinsync/config/config.h"
#include "pinsync/demo/membership_stream.h"
#include "pinsync/demo/schema_registry_server.h"

namespace pinsync::demo {

struct DemoInput {
  EventFormat format = EventFormat::kNative;
  std::unique_ptr<SchemaRegistryServer> registry;  // avro only
  int32_t schema_id = 0;                           // avro: MembershipAvroSchema()'s id
};

// For avro: starts the registry on loopback and registers the stream's schema under the
// topic's value subject (<topic>-value, Confluent's default naming).
Result<DemoInput> PrepareInput(EventFormat format, const std::string& topic);

// Native: the topic in kafka.topics. Other formats: an inputs: entry (and no kafka.topics),
// with schema_registry.url for avro.
void ConfigureInput(const DemoInput& input, const std::string& topic, config::Config& cfg);

}  // namespace pinsync::demo
