// KafkaDeadLetterProducer: an idempotent producer whose delivery reports become acks for the
// connector's offset frontier.

#include "pinsync/kafka/dead_letter_producer.h"

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <map>
#include <string_view>

#include "pinsync/kafka/stats.h"
#include "rdkafka_handles.h"

namespace pinsync::kafka {

static_assert(sizeof(void*) >= sizeof(uint64_t), "tokens travel in librdkafka's opaque pointer");

struct KafkaDeadLetterProducer::State {
  State(Clock& c, prometheus::Registry* registry)
      : clock(c),
        own_registry(registry ? nullptr : std::make_unique<prometheus::Registry>()),
        stats(DeadLetterStats::Create(registry ? *registry : *own_registry)) {}

  internal::KafkaPtr rk;
  std::string topic;
  Clock& clock;
  std::unique_ptr<prometheus::Registry> own_registry;
  DeadLetterStats stats;
  std::vector<DeadLetterAck> acks;
  size_t in_flight = 0;  // enqueued, ack not yet drained
};

namespace {

void DeliveryReport(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* state = static_cast<KafkaDeadLetterProducer::State*>(opaque);
  DeadLetterAck ack;
  ack.token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(message->_private));
  ack.delivered = message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
  if (ack.delivered) {
    state->stats.acknowledged.Increment();
  } else {
    state->stats.failed.Increment();
    ack.error = fmt::format("dead-letter copy to '{}' failed: {} ({})", state->topic,
                            rd_kafka_err2str(message->err), rd_kafka_err2name(message->err));
    spdlog::warn("{}; it will be produced again", ack.error);
  }
  state->acks.push_back(std::move(ack));
}

void AddHeader(rd_kafka_headers_t* headers, std::string_view name, std::string_view value) {
  rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                      static_cast<ssize_t>(value.size()));
}

}  // namespace

Result<std::unique_ptr<KafkaDeadLetterProducer>, KafkaError> KafkaDeadLetterProducer::Create(
    const config::KafkaConfig& config, Clock& clock, prometheus::Registry* registry) {
  if (config.dead_letter_topic.empty()) {
    return Unexpected{KafkaError{KafkaErrorCode::kInvalidConfig,
                                 "kafka.dead_letter_topic is empty; set it to produce dead "
                                 "letters (without it they are counted and skipped)",
                                 0}};
  }
  auto state = std::make_unique<State>(clock, registry);
  state->topic = config.dead_letter_topic;
  internal::ConfPtr conf = internal::NewConf();
  // The user's properties first (SASL/SSL...), then what the ack contract depends on.
  const std::map<std::string, std::string> base = {
      {"bootstrap.servers", config.bootstrap_servers},
      {"client.id", "pinsync-dead-letters"},
      {"linger.ms", "5"},
  };
  const std::map<std::string, std::string> enforced = {
      {"enable.idempotence", "true"},
      {"acks", "all"},
  };
  if (auto s = internal::SetProperties(conf.get(), base, "dead-letter producer setting "); !s) {
    return Unexpected{s.error()};
  }
  // kafka.properties serve the consumer first: its consumer-only properties are left out.
  const auto producer_properties = internal::ProducerProperties(config.properties);
  if (auto s = internal::SetProperties(conf.get(), producer_properties, "kafka.properties."); !s) {
    return Unexpected{s.error()};
  }
  if (auto s = internal::SetProperties(conf.get(), enforced, "dead-letter producer setting "); !s) {
    return Unexpected{s.error()};
  }
  rd_kafka_conf_set_opaque(conf.get(), state.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &DeliveryReport);
  auto rk = internal::NewClient(RD_KAFKA_PRODUCER, std::move(conf), "dead-letter producer");
  if (!rk) return Unexpected{rk.error()};
  state->rk = std::move(*rk);
  return std::unique_ptr<KafkaDeadLetterProducer>(new KafkaDeadLetterProducer(std::move(state)));
}

KafkaDeadLetterProducer::KafkaDeadLetterProducer(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

KafkaDeadLetterProducer::~KafkaDeadLetterProducer() {
  if (rd_kafka_flush(state_->rk.get(), 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn(
        "dead-letter producer: {} cop(ies) not acknowledged at shutdown; their source "
        "offsets were not committed, so they are replayed",
        rd_kafka_outq_len(state_->rk.get()));
    rd_kafka_purge(state_->rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(state_->rk.get(), 0);
  }
}

Status<KafkaError> KafkaDeadLetterProducer::Produce(const DeadLetter& letter, uint64_t token) {
  internal::HeadersPtr headers(rd_kafka_headers_new(5));
  AddHeader(headers.get(), kHeaderReason, letter.reason);
  AddHeader(headers.get(), kHeaderSourceTopic, letter.source.topic);
  AddHeader(headers.get(), kHeaderSourcePartition, std::to_string(letter.source.partition));
  AddHeader(headers.get(), kHeaderSourceOffset, std::to_string(letter.offset));
  AddHeader(headers.get(), kHeaderTime, std::to_string(state_->clock.WallMillis()));

  internal::ProduceRequest request;
  request.topic = state_->topic.c_str();
  request.key = letter.key;
  request.value = letter.value;
  request.headers = headers.get();
  request.opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
  const rd_kafka_resp_err_t err = internal::Produce(state_->rk.get(), request);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{
        internal::FromRdKafka(KafkaErrorCode::kProduceFailed, err,
                              fmt::format("enqueueing a dead-letter copy to '{}'", state_->topic),
                              "call Poll() to drain delivery reports and retry")};
  }
  (void)headers.release();  // librdkafka owns them now
  ++state_->in_flight;
  state_->stats.produced.Increment();
  return Ok{};
}

void KafkaDeadLetterProducer::Poll() { rd_kafka_poll(state_->rk.get(), 0); }

std::vector<DeadLetterAck> KafkaDeadLetterProducer::DrainAcks() {
  std::vector<DeadLetterAck> out;
  out.swap(state_->acks);
  state_->in_flight -= std::min(state_->in_flight, out.size());
  return out;
}

size_t KafkaDeadLetterProducer::InFlight() const { return state_->in_flight; }

Status<KafkaError> KafkaDeadLetterProducer::Flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err =
      rd_kafka_flush(state_->rk.get(), static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Ok{};
  return Unexpected{KafkaError{
      KafkaErrorCode::kTimeout,
      fmt::format("dead-letter producer: {} cop(ies) still unacknowledged after {} ms; check "
                  "the brokers and that topic '{}' exists",
                  rd_kafka_outq_len(state_->rk.get()), timeout.count(), state_->topic),
      static_cast<int32_t>(err)}};
}

}  // namespace pinsync::kafka
