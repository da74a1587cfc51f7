#pragma once
// The effective configuration: what the YAML file, environment overrides and defaults resolve to.
// Field names mirror the documented keys (docs/configuration.md); the property table in
// src/config/ is the single source of their defaults, ranges and descriptions.

#include <chrono>
#include <cstddef>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinsync/common/model.h"

namespace pinsync::config {

using Millis = std::chrono::milliseconds;

struct KafkaConfig {
  std::string bootstrap_servers;     // kafka.bootstrap_servers (required)
  std::string group_id = "pinsync";  // kafka.group_id
  std::vector<std::string> topics;   // kafka.topics (native; it or inputs: names one)
  std::string dead_letter_topic;     // kafka.dead_letter_topic (empty: count and skip)
  std::string registry_topic = "pinsync-registry";  // kafka.registry_topic (empty: no registry)
  Millis commit_interval{5000};                     // kafka.commit_interval
  std::map<std::string, std::string> properties;    // kafka.properties, passed to librdkafka as is
  size_t max_message_bytes = 1 << 20;               // kafka.max_message_bytes (decoder size limit)
};

struct PinterestConfig {
  std::string api_base_url = "https://api.pinterest.com/v5";
  std::string ad_account_id;  // digits, at most 18 (required)
  size_t max_records_per_request = 1900;
  size_t max_request_bytes = 1 << 20;  // body size cap for one request
  int requests_per_minute = 400;       // token bucket per ad account
  Millis retry_max_duration{13LL * 3600 * 1000};
  Millis retry_initial_backoff{1000};
  Millis retry_max_backoff{300000};
  Millis connect_timeout{10000};
  Millis request_timeout{60000};
  int max_concurrent_requests = 8;
  // How often Pinterest's view of every list and audience (status, size) is read again, by the
  // page and inside the rate budget (issue 8). 0 would disable it; the table's minimum is 1 min.
  Millis view_sweep_interval{10LL * 60 * 1000};
  std::string ca_bundle;  // empty: the system's CA store
  std::string list_name_template = "{audience_name}-{list_type}";
  std::string audience_name_template = "{audience_name}-{list_type}";
  // Authentication. Secrets come only from the environment or files named here, never the YAML.
  std::string access_token;  // secret: PINTEREST_ACCESS_TOKEN or access_token_file
  std::string access_token_file;
  std::string app_id;      // refresh-token flow
  std::string app_secret;  // secret: PINTEREST_APP_SECRET or app_secret_file
  std::string app_secret_file;
  std::string refresh_token;  // secret: PINTEREST_REFRESH_TOKEN or refresh_token_file
  std::string refresh_token_file;
  std::string token_store;  // file where a rotated refresh token is persisted

  bool UsesRefreshFlow() const { return !refresh_token.empty(); }
};

struct BatchingConfig {
  size_t max_records = 100000;        // batching.max_records
  Millis max_age{3LL * 3600 * 1000};  // batching.max_age
};

struct IdentifiersConfig {
  HashAlgorithm hash_algorithm = HashAlgorithm::kSha256;  // identifiers.hash_algorithm
};

struct PipelineConfig {
  size_t max_buffered_records = 2'000'000;   // across all open batches; then flush largest early
  size_t max_in_flight_records = 4'000'000;  // handed to delivery, not yet acknowledged; then pause
  Millis handoff_margin{5000};  // added to the partition handoff delay (PartitionHandoffDelay)
};

struct ShutdownConfig {
  Millis timeout{25000};
};

struct MetricsConfig {
  std::string listen = "0.0.0.0:9464";
  // Audiences with their own per-audience series; the rest are summed under audience="_other".
  size_t max_audience_series = 1000;
};

struct LoggingConfig {
  std::string level = "info";   // trace, debug, info, warn, error
  std::string format = "text";  // text | json (one JSON object per line)
};

// audiences.<audience_id>: per-audience overrides; unset fields inherit the global value.
// inputs[].format: how a topic's messages are read (docs/events.md).
enum class InputFormat { kNative, kSegment, kMapped, kAvro };

// inputs[].mapping: JSON Pointers (RFC 6901) into a message (mapped) or a record (avro). An empty
// pointer is "not mapped"; identifier pointers may resolve to a string or an array of strings.
struct FieldMapping {
  std::string audience_id;
  std::string audience_name;  // empty: the audience id
  std::string user_id;        // empty: the Kafka key
  std::string ts;             // integer milliseconds since the epoch
  std::string email, idfa, gaid, email_sha256, maid_sha256;
  // The operation: either op (a string compared with add_values / remove_values) or member (a
  // boolean: true adds, false removes).
  std::string op;
  std::vector<std::string> add_values{"add"};
  std::vector<std::string> remove_values{"remove"};
  std::string member;

  bool MapsAnyIdentifier() const {
    return !email.empty() || !idfa.empty() || !gaid.empty() || !email_sha256.empty() ||
           !maid_sha256.empty();
  }
};

// "native", "segment", "mapped", "avro".
std::string_view ToString(InputFormat format);

// One entry of the inputs: list. Topics in kafka.topics are read as native.
struct InputConfig {
  std::string topic;
  InputFormat format = InputFormat::kNative;
  FieldMapping mapping;
};

// schema_registry.*: where Avro schemas come from (Confluent Schema Registry API).
struct SchemaRegistryConfig {
  std::string url;  // empty: no registry (no avro inputs allowed)
  std::string username;
  std::string password;  // secret: SCHEMA_REGISTRY_PASSWORD or password_file
  std::string password_file;
  std::string ca_bundle;  // empty: the system's CA store
  Millis request_timeout{10000};
  int max_retries = 5;  // per fetch, then the consumer holds and tries again
  Millis retry_backoff{500};
};

struct AudienceOverride {
  std::string ad_account_id;
  std::optional<size_t> max_records;  // audiences.<id>.batching.max_records
  std::optional<Millis> max_age;      // audiences.<id>.batching.max_age
  std::string email_list_name;        // overrides the name template for the EMAIL list
  std::string maid_list_name;
  std::string email_customer_list_id;  // sync into this existing list instead of find/create
  std::string maid_customer_list_id;
};

struct Config {
  KafkaConfig kafka;
  PinterestConfig pinterest;
  BatchingConfig batching;
  IdentifiersConfig identifiers;
  PipelineConfig pipeline;
  ShutdownConfig shutdown;
  MetricsConfig metrics;
  LoggingConfig logging;
  std::map<std::string, AudienceOverride> audiences;
  std::vector<InputConfig> inputs;
  SchemaRegistryConfig schema_registry;

  // Every topic the consumer group reads: kafka.topics, then the inputs' topics not already there.
  std::vector<std::string> ConsumedTopics() const {
    std::vector<std::string> all = kafka.topics;
    for (const InputConfig& input : inputs) {
      bool listed = false;
      for (const std::string& t : all) listed = listed || t == input.topic;
      if (!listed) all.push_back(input.topic);
    }
    return all;
  }

  BatchingConfig BatchingFor(const std::string& audience_id) const {
    BatchingConfig b = batching;
    if (auto it = audiences.find(audience_id); it != audiences.end()) {
      if (it->second.max_records) b.max_records = *it->second.max_records;
      if (it->second.max_age) b.max_age = *it->second.max_age;
    }
    return b;
  }
  // How long a partition that just moved to this process waits before any of its records is
  // sent: the longest its previous owner may still start a request without knowing it lost the
  // partition (session.timeout.ms), plus the longest such a request can take to land
  // (pinterest.request_timeout), plus pipeline.handoff_margin.
  Millis PartitionHandoffDelay() const {
    Millis session{45000};  // librdkafka's default session.timeout.ms
    if (auto it = kafka.properties.find("session.timeout.ms"); it != kafka.properties.end()) {
      try {
        session = Millis(std::stoll(it->second));
      } catch (const std::exception&) {
        // librdkafka rejects the value at start-up; keep the default meanwhile.
      }
    }
    return session + pinterest.request_timeout + pipeline.handoff_margin;
  }
  const std::string& AdAccountFor(const std::string& audience_id) const {
    if (auto it = audiences.find(audience_id);
        it != audiences.end() && !it->second.ad_account_id.empty()) {
      return it->second.ad_account_id;
    }
    return pinterest.ad_account_id;
  }
};

}  // namespace pinsync::config
