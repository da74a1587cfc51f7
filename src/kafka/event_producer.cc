// EventProducer: a plain keyed producer for the generator, tests and benchmarks.

#include "pinsync/kafka/event_producer.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include "rdkafka_handles.h"

namespace pinsync::kafka {

struct EventProducer::State {
  internal::KafkaPtr rk;
  uint64_t delivered = 0;
  uint64_t failed = 0;
};

namespace {

void CountDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* state = static_cast<EventProducer::State*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++state->delivered;
  } else {
    ++state->failed;
    spdlog::warn("event producer: delivery failed: {}", rd_kafka_err2str(message->err));
  }
}

}  // namespace

Result<std::unique_ptr<EventProducer>, KafkaError> EventProducer::Create(
    const std::string& bootstrap_servers, EventProducerOptions options) {
  auto state = std::make_unique<State>();
  internal::ConfPtr conf = internal::NewConf();
  const std::map<std::string, std::string> base = {
      {"bootstrap.servers", bootstrap_servers},
      {"client.id", "pinsync-event-producer"},
      {"compression.codec", options.compression},
      {"linger.ms", std::to_string(options.linger_ms)},
      {"partitioner", "murmur2_random"},  // as the Java client, like upstream producers
      {"enable.idempotence", "true"},     // keeps per-key order through retries
  };
  if (auto s = internal::SetProperties(conf.get(), base, "event producer setting "); !s) {
    return Unexpected{s.error()};
  }
  if (auto s = internal::SetProperties(conf.get(), options.properties, "event producer "); !s) {
    return Unexpected{s.error()};
  }
  rd_kafka_conf_set_opaque(conf.get(), state.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &CountDelivery);
  auto rk = internal::NewClient(RD_KAFKA_PRODUCER, std::move(conf), "event producer");
  if (!rk) return Unexpected{rk.error()};
  state->rk = std::move(*rk);
  return std::unique_ptr<EventProducer>(new EventProducer(std::move(state)));
}

EventProducer::EventProducer(std::unique_ptr<State> state) : state_(std::move(state)) {}

EventProducer::~EventProducer() {
  if (rd_kafka_flush(state_->rk.get(), 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("event producer: {} message(s) undelivered at shutdown",
                 rd_kafka_outq_len(state_->rk.get()));
    rd_kafka_purge(state_->rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(state_->rk.get(), 0);
  }
}

Status<KafkaError> EventProducer::Produce(std::string_view topic, std::string_view key,
                                          std::string_view value, std::optional<int32_t> partition,
                                          std::chrono::milliseconds queue_full_wait) {
  const std::string topic_name(topic);
  internal::ProduceRequest request;
  request.topic = topic_name.c_str();
  request.partition = partition.value_or(RD_KAFKA_PARTITION_UA);
  request.key = key;
  request.value = value;
  const auto deadline = std::chrono::steady_clock::now() + queue_full_wait;
  for (;;) {
    const rd_kafka_resp_err_t err = internal::Produce(state_->rk.get(), request);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_poll(state_->rk.get(), 0);
      return Ok{};
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || std::chrono::steady_clock::now() >= deadline) {
      return Unexpected{internal::FromRdKafka(KafkaErrorCode::kProduceFailed, err,
                                              fmt::format("producing to '{}'", topic_name),
                                              "check the topic and the brokers")};
    }
    rd_kafka_poll(state_->rk.get(), 50);  // let deliveries free queue space
  }
}

void EventProducer::Poll() { rd_kafka_poll(state_->rk.get(), 0); }

Status<KafkaError> EventProducer::Flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err =
      rd_kafka_flush(state_->rk.get(), static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Ok{};
  return Unexpected{
      KafkaError{KafkaErrorCode::kTimeout,
                 fmt::format("event producer: {} message(s) still in flight after {} ms",
                             rd_kafka_outq_len(state_->rk.get()), timeout.count()),
                 static_cast<int32_t>(err)}};
}

uint64_t EventProducer::delivered() const { return state_->delivered; }
uint64_t EventProducer::failed() const { return state_->failed; }

}  // namespace pinsync::kafka
