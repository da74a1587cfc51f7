#include "pinsync/registry/kafka_list_registry.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include <rapidjson/document.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <utility>

#include "pinsync/common/thread_name.h"
#include "pinsync/registry/registry_book.h"
#include "pinsync/registry/token_envelope.h"
#include "rdkafka_handles.h"

namespace pinsync::registry {

namespace {

constexpr int kPollMs = 50;
constexpr int kAdminTimeoutMs = 5'000;

std::string RandomMemberId() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  return fmt::format("{:016x}", rng());
}

}  // namespace

// The registry's metrics, outside the anonymous namespace: State holds one (a unity build would
// otherwise give State parts with internal linkage).
struct RegistryStats {
  prometheus::Counter& records_read;
  prometheus::Counter& unreadable_records;
  prometheus::Counter& claims_sent;
  prometheus::Counter& lists_published;
  prometheus::Gauge& caught_up;
  prometheus::Gauge& names;

  static RegistryStats Create(prometheus::Registry& registry) {
    auto counter = [&registry](const char* name, const char* help) -> prometheus::Counter& {
      return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
    };
    auto gauge = [&registry](const char* name, const char* help) -> prometheus::Gauge& {
      return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
    };
    return RegistryStats{
        .records_read = counter("pinsync_registry_records_read_total",
                                "Records read from the list registry topic"),
        .unreadable_records = counter("pinsync_registry_unreadable_records_total",
                                      "Registry records skipped because they did not decode"),
        .claims_sent = counter("pinsync_registry_claims_total",
                               "Claims this member produced to create a list or audience"),
        .lists_published = counter("pinsync_registry_lists_published_total",
                                   "List ids this member published to the registry"),
        .caught_up =
            gauge("pinsync_registry_caught_up", "1 once the registry topic was read up to its end"),
        .names = gauge("pinsync_registry_names", "List names the registry knows")};
  }
};

Duration ClaimTimeoutFor(const config::Config& config) {
  return 2 * Duration(config.pinterest.request_timeout) + Duration(config.pipeline.handoff_margin);
}

Duration CreateWindowFor(const config::Config& config) {
  return Duration(config.pinterest.request_timeout);
}

struct KafkaListRegistry::State {
  State(RegistryOptions o, const Clock& c, prometheus::Registry* metrics)
      : options(std::move(o)),
        clock(c),
        own_metrics(metrics ? nullptr : std::make_unique<prometheus::Registry>()),
        stats(RegistryStats::Create(metrics ? *metrics : *own_metrics)),
        book(options.member_id, options.claim_timeout, options.create_window) {}

  void Run();
  void Read(const rd_kafka_message_t& message);
  void ProduceLocked(const RegistryRecord& record, bool tombstone, bool is_claim);
  static void DeliveryReport(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);

  RegistryOptions options;
  const Clock& clock;
  std::unique_ptr<prometheus::Registry> own_metrics;
  RegistryStats stats;
  mutable std::mutex mutex;
  RegistryBook book;  // guarded by mutex
  std::atomic<bool> caught_up{false};
  std::atomic<bool> stop{false};
  kafka::internal::KafkaPtr producer;
  kafka::internal::KafkaPtr consumer;
  std::thread reader;
  SteadyTime next_missing_topic_log{};
  // The newest credentials opened, so each generation is decrypted once.
  mutable std::optional<pinterest::SharedCredentials> opened;
  mutable uint64_t unopenable_generation = 0;
};

void KafkaListRegistry::State::DeliveryReport(rd_kafka_t*, const rd_kafka_message_t* message,
                                              void* opaque) {
  auto* state = static_cast<State*>(opaque);
  std::unique_ptr<RegistryRecord> claim(static_cast<RegistryRecord*>(message->_private));
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  spdlog::warn("registry: a record to topic {} was not written ({}); it is sent again when needed",
               state->options.topic, rd_kafka_err2str(message->err));
  if (claim) {
    std::lock_guard lock(state->mutex);
    state->book.ClaimNotWritten(*claim);
  }
}

void KafkaListRegistry::State::ProduceLocked(const RegistryRecord& record, bool tombstone,
                                             bool is_claim) {
  const std::string key = RecordKey(record);
  const std::string value = tombstone ? std::string() : EncodeRecord(record);
  kafka::internal::ProduceRequest request;
  request.topic = options.topic.c_str();
  request.partition = 0;
  request.key = key;
  request.value = value;
  auto* claim = is_claim ? new RegistryRecord(record) : nullptr;
  request.opaque = claim;
  const rd_kafka_resp_err_t err = kafka::internal::Produce(producer.get(), request);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    delete claim;
    spdlog::warn("registry: could not enqueue a record for topic {} ({})", options.topic,
                 rd_kafka_err2str(err));
    if (is_claim) book.ClaimNotWritten(record);
  }
}

void KafkaListRegistry::State::Read(const rd_kafka_message_t& message) {
  if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    if (!caught_up.exchange(true)) {
      std::lock_guard lock(mutex);
      spdlog::info("registry: member {} read topic {} to its end ({} list name(s) known)",
                   options.member_id, options.topic, book.names());
      stats.caught_up.Set(1);
    }
    return;
  }
  if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const SteadyTime now = clock.Now();
    if (now >= next_missing_topic_log) {
      next_missing_topic_log = now + std::chrono::seconds(30);
      spdlog::warn(
          "registry: reading topic {} failed ({}); lists are not created until it can be read "
          "(create it compacted with one partition, or grant this principal CREATE, READ and "
          "WRITE on it: docs/operations.md, \"The registry topic\")",
          options.topic, rd_kafka_err2str(message.err));
    }
    return;
  }
  stats.records_read.Increment();
  if (message.payload == nullptr) {  // a tombstone: a claim made moot, or an operator's reset
    if (message.key == nullptr) return;
    auto key = DecodeKey(std::string_view(static_cast<const char*>(message.key), message.key_len));
    if (!key) return;
    std::lock_guard lock(mutex);
    book.Forget(*key);
    if (key->type == RecordType::kToken) opened.reset();
    return;
  }
  auto record =
      DecodeRecord(std::string_view(static_cast<const char*>(message.payload), message.len));
  if (!record) {
    stats.unreadable_records.Increment();
    spdlog::warn("registry: skipped the record at offset {} of topic {}: {}", message.offset,
                 options.topic, record.error().message);
    return;
  }
  std::lock_guard lock(mutex);
  book.Apply(*record, message.offset, clock.Now());
  stats.names.Set(static_cast<double>(book.names()));
  for (const RegistryRecord& claim : book.TakeSettledClaims()) {
    ProduceLocked(claim, /*tombstone=*/true, /*is_claim=*/false);
  }
}

void KafkaListRegistry::State::Run() {
  while (!stop.load()) {
    kafka::internal::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), kPollMs));
    if (message) Read(*message);
    rd_kafka_poll(producer.get(), 0);
  }
}

namespace {

// Creates `topic` compacted with one partition; an existing topic is left as it is.
void CreateTopicIfAbsent(rd_kafka_t* rk, const std::string& topic) {
  auto partitions = kafka::internal::ListPartitions(rk, {topic}, kAdminTimeoutMs);
  if (partitions) return;  // exists (only partition 0 is used, whatever the count)
  if (partitions.error().code != kafka::KafkaErrorCode::kUnknownTopic) {
    spdlog::warn("registry: could not look up topic {} ({}); reading it is retried", topic,
                 partitions.error().message);
    return;
  }
  char errstr[256] = {0};
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), 1, -1, errstr, sizeof errstr);
  if (new_topic == nullptr) {
    spdlog::warn("registry: cannot describe topic {} for creation: {}", topic, errstr);
    return;
  }
  rd_kafka_NewTopic_set_config(new_topic, "cleanup.policy", "compact");
  kafka::internal::QueuePtr queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, kAdminTimeoutMs, errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk, &new_topic, 1, options, queue.get());
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue.get(), kAdminTimeoutMs + 1000);
  std::string problem;
  if (event == nullptr) {
    problem = "no answer within 6 s";
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    problem = rd_kafka_event_error_string(event);
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (size_t i = 0; i < count; ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::info("registry: created topic {} (compacted, 1 partition)", topic);
      } else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        problem = rd_kafka_err2str(err);
      }
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(new_topic);
  if (!problem.empty()) {
    spdlog::warn(
        "registry: could not create topic {} ({}); if it does not exist, create it with "
        "cleanup.policy=compact and one partition (docs/operations.md, \"The registry topic\")",
        topic, problem);
  }
}

}  // namespace

Result<std::unique_ptr<KafkaListRegistry>, kafka::KafkaError> KafkaListRegistry::Create(
    const config::KafkaConfig& kafka, RegistryOptions options, const Clock& clock,
    prometheus::Registry* metrics) {
  if (options.topic.empty()) {
    return Unexpected{kafka::KafkaError{kafka::KafkaErrorCode::kInvalidConfig,
                                        "kafka.registry_topic is empty", 0}};
  }
  if (options.member_id.empty()) options.member_id = RandomMemberId();
  auto state = std::make_unique<State>(std::move(options), clock, metrics);
  const std::string& topic = state->options.topic;

  kafka::internal::ConfPtr producer_conf = kafka::internal::NewConf();
  const std::map<std::string, std::string> producer_base = {
      {"bootstrap.servers", kafka.bootstrap_servers},
      {"client.id", "pinsync-registry"},
      {"linger.ms", "0"}};
  const std::map<std::string, std::string> enforced = {{"enable.idempotence", "true"},
                                                       {"acks", "all"}};
  if (auto s = kafka::internal::SetProperties(producer_conf.get(), producer_base,
                                              "registry producer setting ");
      !s) {
    return Unexpected{s.error()};
  }
  if (auto s = kafka::internal::SetProperties(producer_conf.get(),
                                              kafka::internal::ProducerProperties(kafka.properties),
                                              "kafka.properties.");
      !s) {
    return Unexpected{s.error()};
  }
  if (auto s = kafka::internal::SetProperties(producer_conf.get(), enforced,
                                              "registry producer setting ");
      !s) {
    return Unexpected{s.error()};
  }
  rd_kafka_conf_set_opaque(producer_conf.get(), state.get());
  rd_kafka_conf_set_dr_msg_cb(producer_conf.get(), &State::DeliveryReport);
  auto producer =
      kafka::internal::NewClient(RD_KAFKA_PRODUCER, std::move(producer_conf), "registry producer");
  if (!producer) return Unexpected{producer.error()};
  state->producer = std::move(*producer);
  if (state->options.create_topic) CreateTopicIfAbsent(state->producer.get(), topic);

  // The reader assigns partition 0 itself: it never joins a group, so its group.id is only a
  // name librdkafka wants, and nothing is committed.
  kafka::internal::ConfPtr consumer_conf = kafka::internal::NewConf();
  std::map<std::string, std::string> consumer_properties = kafka.properties;
  for (const char* group_only : {"group.instance.id", "partition.assignment.strategy",
                                 "group.protocol", "session.timeout.ms", "heartbeat.interval.ms"}) {
    consumer_properties.erase(group_only);
  }
  const std::map<std::string, std::string> consumer_enforced = {
      {"bootstrap.servers", kafka.bootstrap_servers},
      {"client.id", "pinsync-registry"},
      {"group.id", "pinsync-registry-reader-" + state->options.member_id},
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "earliest"},
      {"fetch.wait.max.ms", "100"}};
  if (auto s = kafka::internal::SetProperties(consumer_conf.get(), consumer_properties,
                                              "kafka.properties.");
      !s) {
    return Unexpected{s.error()};
  }
  if (auto s = kafka::internal::SetProperties(consumer_conf.get(), consumer_enforced,
                                              "registry reader setting ");
      !s) {
    return Unexpected{s.error()};
  }
  auto consumer =
      kafka::internal::NewClient(RD_KAFKA_CONSUMER, std::move(consumer_conf), "registry reader");
  if (!consumer) return Unexpected{consumer.error()};
  state->consumer = std::move(*consumer);
  kafka::internal::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), 0)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  if (rd_kafka_resp_err_t err = rd_kafka_assign(state->consumer.get(), assignment.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{
        kafka::KafkaError{kafka::KafkaErrorCode::kCreateFailed,
                          fmt::format("registry reader could not be assigned {}[0]: {}", topic,
                                      rd_kafka_err2str(err)),
                          static_cast<int>(err)}};
  }
  State* raw = state.get();
  raw->reader = std::thread([raw] {
    NameThisThread("list-registry");
    raw->Run();
  });
  spdlog::info("registry: member {} reads topic {}", raw->options.member_id, topic);
  return std::unique_ptr<KafkaListRegistry>(new KafkaListRegistry(std::move(state)));
}

KafkaListRegistry::KafkaListRegistry(std::unique_ptr<State> state) : state_(std::move(state)) {}

KafkaListRegistry::~KafkaListRegistry() {
  state_->stop = true;
  if (state_->reader.joinable()) state_->reader.join();
  if (rd_kafka_flush(state_->producer.get(), 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_purge(state_->producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(state_->producer.get(), 0);
  }
  rd_kafka_consumer_close(state_->consumer.get());
}

bool KafkaListRegistry::CaughtUp() const { return state_->caught_up.load(); }

std::optional<pinterest::RegistryEntry> KafkaListRegistry::Find(
    const std::string& ad_account_id, const std::string& list_name) const {
  std::lock_guard lock(state_->mutex);
  return state_->book.Find(ad_account_id, list_name);
}

pinterest::ClaimStatus KafkaListRegistry::Claim(const std::string& ad_account_id,
                                                const std::string& list_name,
                                                const std::string& gone_list_id) {
  std::lock_guard lock(state_->mutex);
  auto decision = state_->book.Claim(ad_account_id, list_name, gone_list_id, state_->clock.Now());
  if (decision.claim_to_produce && decision.claim_to_produce->basis.starts_with("after:")) {
    // Operators reading the log of several replicas need to know which one acts.
    spdlog::info(
        "registry: member {} claims to take over creating '{}' in ad account {} (basis {}: the "
        "claim at that offset published no ids within the claim timeout)",
        state_->options.member_id, list_name, ad_account_id, decision.claim_to_produce->basis);
  }
  if (decision.claim_to_produce) {
    state_->stats.claims_sent.Increment();
    state_->ProduceLocked(*decision.claim_to_produce, /*tombstone=*/false, /*is_claim=*/true);
  }
  return decision.status;
}

void KafkaListRegistry::Publish(const std::string& ad_account_id, const std::string& list_name,
                                const pinterest::RegistryEntry& entry) {
  std::lock_guard lock(state_->mutex);
  if (state_->book.Find(ad_account_id, list_name) == entry) return;
  RegistryRecord record;
  record.type = RecordType::kList;
  record.ad_account_id = ad_account_id;
  record.list_name = list_name;
  record.entry = entry;
  state_->stats.lists_published.Increment();
  state_->ProduceLocked(record, /*tombstone=*/false, /*is_claim=*/false);
}

namespace {

std::string CredentialsJson(const pinterest::SharedCredentials& c) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("refresh_token");
  w.String(c.refresh_token.data(), static_cast<rapidjson::SizeType>(c.refresh_token.size()));
  w.Key("access_token");
  w.String(c.access_token.data(), static_cast<rapidjson::SizeType>(c.access_token.size()));
  w.Key("expires_at_unix_ms");
  w.Int64(c.expires_at_unix_ms);
  w.Key("lifetime_seconds");
  w.Int64(c.lifetime_seconds);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<pinterest::SharedCredentials> ParseCredentials(const std::string& json,
                                                             uint64_t generation) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto text = [&doc](const char* name) -> std::optional<std::string> {
    auto it = std::as_const(doc).FindMember(name);
    if (it == std::as_const(doc).MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
  };
  auto number = [&doc](const char* name) -> int64_t {
    auto it = std::as_const(doc).FindMember(name);
    return it != std::as_const(doc).MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
  };
  auto refresh = text("refresh_token");
  auto access = text("access_token");
  if (!refresh || !access || refresh->empty()) return std::nullopt;
  return pinterest::SharedCredentials{generation, std::move(*refresh), std::move(*access),
                                      number("expires_at_unix_ms"), number("lifetime_seconds")};
}

}  // namespace

std::optional<pinterest::SharedCredentials> KafkaListRegistry::LatestCredentials() const {
  if (state_->options.app_id.empty()) return std::nullopt;
  std::lock_guard lock(state_->mutex);
  const RegistryRecord* record = state_->book.LatestToken(state_->options.app_id);
  if (record == nullptr) return std::nullopt;
  if (state_->opened && state_->opened->generation == record->generation) return state_->opened;
  if (state_->unopenable_generation == record->generation) return std::nullopt;
  auto plain = OpenCredentials(state_->options.app_id, state_->options.app_secret,
                               record->generation, record->sealed);
  std::optional<pinterest::SharedCredentials> credentials;
  if (plain) credentials = ParseCredentials(*plain, record->generation);
  if (!credentials) {
    state_->unopenable_generation = record->generation;
    spdlog::warn(
        "registry: the credentials of generation {} for app {} in topic {} could not be used ({}); "
        "this member keeps its own until a newer generation is published",
        record->generation, state_->options.app_id, state_->options.topic,
        plain ? "not a credentials record" : plain.error().message);
    return std::nullopt;
  }
  state_->opened = credentials;
  return credentials;
}

pinterest::ClaimStatus KafkaListRegistry::ClaimRefresh(uint64_t generation) {
  std::lock_guard lock(state_->mutex);
  const RegistryRecord* latest = state_->book.LatestToken(state_->options.app_id);
  if (latest != nullptr && latest->generation > generation) {
    return pinterest::ClaimStatus::kSettled;
  }
  auto decision =
      state_->book.ClaimBasis(kOAuthClaimAccount, state_->options.app_id,
                              "refresh:" + std::to_string(generation), state_->clock.Now());
  if (decision.claim_to_produce) {
    state_->stats.claims_sent.Increment();
    state_->ProduceLocked(*decision.claim_to_produce, /*tombstone=*/false, /*is_claim=*/true);
  }
  return decision.status;
}

void KafkaListRegistry::PublishCredentials(const pinterest::SharedCredentials& credentials) {
  if (state_->options.app_id.empty()) return;
  auto sealed = SealCredentials(state_->options.app_id, state_->options.app_secret,
                                credentials.generation, CredentialsJson(credentials));
  if (!sealed) {
    spdlog::error("registry: could not seal the refreshed credentials: {}", sealed.error().message);
    return;
  }
  RegistryRecord record;
  record.type = RecordType::kToken;
  record.list_name = state_->options.app_id;
  record.generation = credentials.generation;
  record.sealed = std::move(*sealed);
  std::lock_guard lock(state_->mutex);
  state_->ProduceLocked(record, /*tombstone=*/false, /*is_claim=*/false);
}

const std::string& KafkaListRegistry::member_id() const { return state_->options.member_id; }

}  // namespace pinsync::registry
