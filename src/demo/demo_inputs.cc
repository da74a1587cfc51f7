#include "demo_inputs.h"

#include <chrono>

namespace pinsync::demo {

Result<DemoInput> PrepareInput(EventFormat format, const std::string& topic) {
  DemoInput input;
  input.format = format;
  if (format != EventFormat::kAvro) return input;
  auto registry = SchemaRegistryServer::Start();
  if (!registry.ok()) return MakeError(registry.error().message);
  auto id = RegisterSchema((*registry)->url(), topic + "-value", MembershipAvroSchema());
  if (!id.ok()) return MakeError(id.error().message);
  input.registry = std::move(*registry);
  input.schema_id = *id;
  return input;
}

void ConfigureInput(const DemoInput& input, const std::string& topic, config::Config& cfg) {
  if (input.format == EventFormat::kNative) {
    cfg.kafka.topics = {topic};
    return;
  }
  config::InputConfig entry;
  entry.topic = topic;
  entry.format = input.format == EventFormat::kSegment
                     ? config::InputFormat::kSegment
                     : config::InputFormat::kAvro;  // native field names
  cfg.inputs = {entry};
  if (input.registry) {
    cfg.schema_registry.url = input.registry->url();
    cfg.schema_registry.retry_backoff = std::chrono::milliseconds(50);
  }
}

}  // namespace pinsync::demo
