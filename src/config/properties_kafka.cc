// Rows for kafka.*: where membership events come from.
#include "property_table.h"
#include "property_value.h"

// Rows name only the fields they use; gcc 12 warns about the omitted designated fields even
// though each has a default (GCC PR 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace pinsync::config {
namespace {

const Property kKafkaRows[] = {
    {.name = "kafka.bootstrap_servers",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Comma-separated host:port list of Kafka brokers to bootstrap from.",
     .required = true,
     .check = CheckNotEmpty,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.kafka.bootstrap_servers = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.kafka.bootstrap_servers); }},
    {.name = "kafka.group_id",
     .type = PropertyType::kString,
     .default_text = "pinsync",
     .description = "Kafka consumer group; every replica of one deployment uses the same group.",
     .check = CheckNotEmpty,
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.kafka.group_id = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.kafka.group_id); }},
    {.name = "kafka.topics",
     .type = PropertyType::kStringList,
     .default_text = "[]",
     .description = "Topics carrying membership events in the native format (keyed by user "
                    "id). This list and inputs together name at least one topic; either alone "
                    "is enough.",
     // Not required by itself: a deployment may read only inputs: topics. CheckInputs reports a
     // configuration that names no topic anywhere.
     .check = [](const PropertyValue& v) -> std::optional<std::string> {
       for (const auto& t : v.list) {
         if (t.empty()) return "a topic name is empty";
       }
       return std::nullopt;
     },
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.kafka.topics = v.list; },
     .read = [](const Config& c, const std::string&) { return ListValue(c.kafka.topics); }},
    {.name = "kafka.dead_letter_topic",
     .type = PropertyType::kString,
     .default_text = "",
     .description = "Topic that receives undecodable events with the reason in headers. "
                    "Empty: such events are counted and skipped.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.kafka.dead_letter_topic = v.text; },
     .read = [](const Config& c,
                const std::string&) { return TextValue(c.kafka.dead_letter_topic); }},
    {.name = "kafka.registry_topic",
     .type = PropertyType::kString,
     .default_text = "pinsync-registry",
     .description = "Compacted topic (one partition, created if absent) through which the "
                    "replicas agree on one Pinterest list and audience per audience: a replica "
                    "creates a list only after its claim on the name wins, and every replica "
                    "finds list ids there after a restart (docs/operations.md, \"The registry "
                    "topic\", lists the ACLs). Empty: no registry; safe only with a single "
                    "replica.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.kafka.registry_topic = v.text; },
     .read = [](const Config& c, const std::string&) { return TextValue(c.kafka.registry_topic); }},
    {.name = "kafka.commit_interval",
     .type = PropertyType::kDuration,
     .default_text = "5s",
     .min = 100,
     .max = 3'600'000,
     .description = "How often acknowledged offsets are committed to Kafka.",
     .apply = [](Config& c, const std::string&,
                 const PropertyValue& v) { c.kafka.commit_interval = v.duration; },
     .read = [](const Config& c,
                const std::string&) { return DurationValue(c.kafka.commit_interval); }},
    {.name = "kafka.properties",
     .type = PropertyType::kStringMap,
     .default_text = "{}",
     .description = "librdkafka properties passed as is (SASL, SSL, tuning), e.g. "
                    "security.protocol: SASL_SSL. When printed, values of names containing "
                    "password, secret, token, jaas, key.pem or oauthbearer.config are redacted.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           for (const auto& [name, value] : v.map) c.kafka.properties[name] = value;
         },
     .read = [](const Config& c, const std::string&) { return MapValue(c.kafka.properties); }},
    {.name = "kafka.max_message_bytes",
     .type = PropertyType::kSize,
     .default_text = "1MiB",
     .min = 1024,
     .max = 64LL << 20,
     .description = "Largest event value accepted; bigger ones are dead-lettered as too large.",
     .apply =
         [](Config& c, const std::string&, const PropertyValue& v) {
           c.kafka.max_message_bytes = static_cast<size_t>(v.number);
         },
     .read =
         [](const Config& c, const std::string&) {
           return NumberValue(static_cast<int64_t>(c.kafka.max_message_bytes));
         }},
};

}  // namespace

std::span<const Property> KafkaProperties() { return kKafkaRows; }

}  // namespace pinsync::config
