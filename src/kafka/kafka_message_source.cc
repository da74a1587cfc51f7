// KafkaMessageSource: librdkafka's KafkaConsumer, with rebalances handed to the connector
// synchronously and offsets committed only when the connector says so.

#include "pinsync/kafka/kafka_message_source.h"

#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstring>

#include "consumer_state.h"
#include "pinsync/common/log_fields.h"

namespace pinsync::kafka {
namespace {

using Clock = std::chrono::steady_clock;

// Properties pinsync owns: letting users change them would break the commit-after-ack rule or
// duplicate a first-class setting.
struct ManagedProperty {
  std::string_view name;
  std::string_view advice;
};
constexpr std::array<ManagedProperty, 4> kManaged = {{
    {"group.id", "set kafka.group_id instead"},
    {"bootstrap.servers", "set kafka.bootstrap_servers instead"},
    {"enable.auto.commit",
     "pinsync commits offsets itself, only after Pinterest acknowledged them; remove it"},
    {"enable.auto.offset.store",
     "pinsync commits offsets itself, only after Pinterest acknowledged them; remove it"},
}};

Result<internal::ConfPtr, KafkaError> BuildConsumerConf(const config::KafkaConfig& config,
                                                        const std::string& client_id) {
  if (config.topics.empty()) {
    return Unexpected{KafkaError{KafkaErrorCode::kInvalidConfig,
                                 "no topic to consume; list one in kafka.topics or inputs", 0}};
  }
  for (const auto& managed : kManaged) {
    if (config.properties.count(std::string(managed.name)) != 0) {
      return Unexpected{KafkaError{KafkaErrorCode::kInvalidConfig,
                                   fmt::format("kafka.properties.{} is managed by pinsync; {}",
                                               managed.name, managed.advice),
                                   0}};
    }
  }
  internal::ConfPtr conf = internal::NewConf();
  const std::map<std::string, std::string> fixed = {
      {"bootstrap.servers", config.bootstrap_servers},
      {"group.id", config.group_id},
      {"client.id", client_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"auto.offset.reset", "earliest"},
  };
  if (auto s = internal::SetProperties(conf.get(), fixed, "kafka consumer setting "); !s) {
    return Unexpected{s.error()};
  }
  if (auto s = internal::SetProperties(conf.get(), config.properties, "kafka.properties."); !s) {
    return Unexpected{s.error()};
  }
  return conf;
}

// A consumer error librdkafka recovers from; the line carries its topic and partition.
void WarnTransient(const rd_kafka_message_t& message) {
  const std::string topic = message.rkt ? rd_kafka_topic_name(message.rkt) : "-";
  const LogFields log_fields{{"topic", topic}, {"partition", std::to_string(message.partition)}};
  spdlog::warn("kafka consumer: {} ({}) on {}[{}]; librdkafka retries by itself",
               rd_kafka_message_errstr(&message), rd_kafka_err2name(message.err), topic,
               message.partition);
}

}  // namespace

Result<std::unique_ptr<KafkaMessageSource>, KafkaError> KafkaMessageSource::Create(
    const config::KafkaConfig& config, ConsumerOptions options) {
  auto conf = BuildConsumerConf(config, options.client_id);
  if (!conf) return Unexpected{conf.error()};
  auto state = std::make_unique<State>(options.registry);
  state->close_timeout = options.close_timeout;
  rd_kafka_conf_set_opaque(conf->get(), state.get());
  rd_kafka_conf_set_rebalance_cb(conf->get(), &internal::RebalanceCallback);
  rd_kafka_conf_set_error_cb(conf->get(), &internal::ErrorCallback);
  if (const rd_kafka_resp_err_t err = state->join_watch.Install(conf->get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{internal::FromRdKafka(KafkaErrorCode::kCreateFailed, err,
                                            "installing the group join interceptor",
                                            "report this as a bug")};
  }

  auto rk = internal::NewClient(RD_KAFKA_CONSUMER, std::move(*conf), "consumer");
  if (!rk) return Unexpected{rk.error()};
  state->rk = std::move(*rk);
  rd_kafka_poll_set_consumer(state->rk.get());  // callbacks are served by consumer_poll
  state->commit_queue.reset(rd_kafka_queue_new(state->rk.get()));

  internal::PartitionListPtr topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(config.topics.size())));
  for (const auto& topic : config.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  state->topics = config.topics;
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(state->rk.get(), topics.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{internal::FromRdKafka(KafkaErrorCode::kInvalidConfig, err,
                                            "subscribing to kafka.topics",
                                            "check the topic names")};
  }
  spdlog::info("kafka consumer: joining group with {} topic(s)", config.topics.size());
  return std::unique_ptr<KafkaMessageSource>(new KafkaMessageSource(std::move(state)));
}

KafkaMessageSource::KafkaMessageSource(std::unique_ptr<State> state) : state_(std::move(state)) {}

KafkaMessageSource::~KafkaMessageSource() { Close(); }

void KafkaMessageSource::SetRebalanceListener(RebalanceListener* listener) {
  listener_.target = listener;
  state_->listener = listener != nullptr ? &listener_ : nullptr;
}

void KafkaMessageSource::ChangeCountingListener::OnPartitionsAssigned(
    const std::vector<TopicPartition>& partitions) {
  ++changes;
  if (target != nullptr) target->OnPartitionsAssigned(partitions);
}

void KafkaMessageSource::ChangeCountingListener::OnPartitionsRevoked(
    const std::vector<TopicPartition>& partitions) {
  ++changes;
  if (target != nullptr) target->OnPartitionsRevoked(partitions);
}

void KafkaMessageSource::ChangeCountingListener::OnPartitionsLost(
    const std::vector<TopicPartition>& partitions) {
  ++changes;
  if (target != nullptr) target->OnPartitionsLost(partitions);
}

Result<std::optional<ConsumedMessage>, KafkaError> KafkaMessageSource::Poll(
    std::chrono::milliseconds timeout) {
  if (state_->closed || state_->closing) {
    return Unexpected{KafkaError{KafkaErrorCode::kClosed,
                                 "kafka consumer polled after Close(); create a new source", 0}};
  }
  if (state_->fatal) return Unexpected{*state_->fatal};
  rd_kafka_queue_poll_callback(state_->commit_queue.get(), 0);

  rd_kafka_message_t* raw =
      rd_kafka_consumer_poll(state_->rk.get(), static_cast<int>(timeout.count()));
  if (state_->fatal) {
    if (raw != nullptr) rd_kafka_message_destroy(raw);
    return Unexpected{*state_->fatal};
  }
  const auto now = Clock::now();
  if (now >= state_->next_lag_update) {
    state_->UpdateLag();
    state_->next_lag_update = now + std::chrono::seconds(1);
  }
  if (raw == nullptr) return std::optional<ConsumedMessage>();
  internal::MessagePtr message(raw);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    state_->stats.messages_consumed.Increment();
    return std::optional<ConsumedMessage>(ConsumedMessage::Adopt(message.release()));
  }
  if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return std::optional<ConsumedMessage>();
  if (message->err == RD_KAFKA_RESP_ERR__FATAL) {
    state_->OnError(RD_KAFKA_RESP_ERR__FATAL, "fatal");
    return Unexpected{*state_->fatal};
  }
  state_->stats.transient_errors.Increment();
  WarnTransient(*message);
  return std::optional<ConsumedMessage>();
}

Status<KafkaError> KafkaMessageSource::PollBatch(std::chrono::milliseconds timeout,
                                                 size_t max_messages,
                                                 std::vector<ConsumedMessage>& out) {
  out.clear();
  if (state_->closed || state_->closing) {
    return Unexpected{KafkaError{KafkaErrorCode::kClosed,
                                 "kafka consumer polled after Close(); create a new source", 0}};
  }
  if (state_->fatal) return Unexpected{*state_->fatal};
  rd_kafka_queue_poll_callback(state_->commit_queue.get(), 0);
  const uint64_t changes_before = listener_.changes;
  int wait_ms = static_cast<int>(timeout.count());
  // Bounded by max_messages; ends when nothing more is fetched or the assignment changed.
  while (out.size() < max_messages && listener_.changes == changes_before) {
    rd_kafka_message_t* raw = rd_kafka_consumer_poll(state_->rk.get(), wait_ms);
    wait_ms = 0;
    if (state_->fatal) {
      if (raw != nullptr) rd_kafka_message_destroy(raw);
      return Unexpected{*state_->fatal};
    }
    if (raw == nullptr) break;
    internal::MessagePtr message(raw);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.push_back(ConsumedMessage::Adopt(message.release()));
    } else if (message->err == RD_KAFKA_RESP_ERR__FATAL) {
      state_->OnError(RD_KAFKA_RESP_ERR__FATAL, "fatal");
      return Unexpected{*state_->fatal};
    } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      state_->stats.transient_errors.Increment();
      WarnTransient(*message);
    }
  }
  if (!out.empty()) state_->stats.messages_consumed.Increment(static_cast<double>(out.size()));
  const auto now = Clock::now();
  if (now >= state_->next_lag_update) {
    state_->UpdateLag();
    state_->next_lag_update = now + std::chrono::seconds(1);
  }
  return Ok{};
}

namespace {

internal::PartitionListPtr ToOffsetList(const OffsetList& offsets) {
  internal::PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  return list;
}

}  // namespace

Status<KafkaError> KafkaMessageSource::CommitSync(const OffsetList& offsets) {
  if (state_->closed) {
    return Unexpected{
        KafkaError{KafkaErrorCode::kClosed, "kafka consumer: CommitSync after Close()", 0}};
  }
  if (offsets.empty()) return Ok{};
  if (state_->join_watch.JoinPending()) {
    // Sent now, it would be answered ILLEGAL_GENERATION and cost every partition (see
    // group_join_watch.h); the caller retries or leaves the work to be replayed.
    state_->stats.commits_failed.Increment();
    return Unexpected{internal::FromRdKafka(
        KafkaErrorCode::kCommitFailed, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
        fmt::format("committing offsets for {} partition(s) while the group is rebalancing",
                    offsets.size()),
        "nothing was sent; retry once the rebalance is over")};
  }
  internal::PartitionListPtr list = ToOffsetList(offsets);
  rd_kafka_resp_err_t err = rd_kafka_commit(state_->rk.get(), list.get(), 0);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = internal::FirstPartitionError(list.get());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    state_->stats.commits_ok.Increment();
    return Ok{};
  }
  state_->stats.commits_failed.Increment();
  return Unexpected{internal::FromRdKafka(
      KafkaErrorCode::kCommitFailed, err,
      fmt::format("committing offsets for {} partition(s)", offsets.size()),
      "nothing is known to be committed; retry (replays after a restart are harmless)")};
}

void KafkaMessageSource::CommitAsync(const OffsetList& offsets) {
  if (state_->closed || offsets.empty()) return;
  if (!state_->join_watch.CommitSafe()) {
    // Not queued behind a JoinGroup: it would carry the old generation, be answered
    // ILLEGAL_GENERATION, and librdkafka 2.0.2 would then drop the whole assignment as lost
    // (group_join_watch.h). Skipped, not failed: the connector's next periodic commit of
    // everything acknowledged covers these offsets.
    spdlog::debug("kafka consumer: commit of {} partition(s) skipped during a group join",
                  offsets.size());
    return;
  }
  internal::PartitionListPtr list = ToOffsetList(offsets);
  const rd_kafka_resp_err_t err =
      rd_kafka_commit_queue(state_->rk.get(), list.get(), state_->commit_queue.get(),
                            &internal::AsyncCommitResult, state_.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    state_->stats.commits_failed.Increment();
    spdlog::warn("kafka consumer: could not start an asynchronous commit: {}",
                 rd_kafka_err2str(err));
  }
}

void KafkaMessageSource::Pause(const std::vector<TopicPartition>& partitions) {
  if (state_->closed || partitions.empty()) return;
  internal::PartitionListPtr list = internal::ToPartitionList(partitions);
  rd_kafka_pause_partitions(state_->rk.get(), list.get());
}

void KafkaMessageSource::Resume(const std::vector<TopicPartition>& partitions) {
  if (state_->closed || partitions.empty()) return;
  internal::PartitionListPtr list = internal::ToPartitionList(partitions);
  rd_kafka_resume_partitions(state_->rk.get(), list.get());
}

std::vector<TopicPartition> KafkaMessageSource::Assignment() const {
  if (state_->closed) return {};
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(state_->rk.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  internal::PartitionListPtr list(raw);
  return internal::FromPartitionList(list.get());
}

size_t KafkaMessageSource::SubscribedPartitionCount() {
  if (state_->closed || state_->closing) return state_->partition_count;
  // Short: it runs in the rebalance callback. On failure the last known count stands.
  auto partitions = internal::ListPartitions(state_->rk.get(), state_->topics, 1000);
  if (partitions.ok() && !partitions->empty()) state_->partition_count = partitions->size();
  return state_->partition_count;
}

void KafkaMessageSource::GiveUpAssignment(std::chrono::steady_clock::time_point deadline) {
  // librdkafka 2.0.2 can crash or block for good when a cooperative rebalance is under way as
  // rd_kafka_consumer_close() starts (librdkafka issues #4312, #4527, fixed from 2.4.0): a member
  // leaving or joining as this one shuts down, which a rolling deploy does every time. So leave
  // the group first (unsubscribe revokes every partition through the rebalance callback, so the
  // listener still commits what was acknowledged) and close only once the group is quiet.
  rd_kafka_t* rk = state_->rk.get();
  if (const rd_kafka_resp_err_t err = rd_kafka_unsubscribe(rk); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("kafka consumer: unsubscribing before close failed: {}", rd_kafka_err2str(err));
    return;
  }
  // Quiet: nothing assigned, and no rebalance handed over for this long.
  constexpr auto kQuiet = std::chrono::milliseconds(300);
  const auto unsubscribed_at = Clock::now();
  while (Clock::now() < deadline) {
    // Messages still buffered are dropped: never handed over, so never acknowledged nor
    // committed; the next owner of the partition reads them again.
    if (rd_kafka_message_t* message = rd_kafka_consumer_poll(rk, 50)) {
      rd_kafka_message_destroy(message);
    }
    const auto now = Clock::now();
    if (now - unsubscribed_at < kQuiet || now - state_->last_rebalance < kQuiet) continue;
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(rk, &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
    const internal::PartitionListPtr assignment(raw);
    if (assignment->cnt == 0) return;
  }
}

void KafkaMessageSource::Close() {
  if (state_->closed || state_->closing) return;
  state_->closing = true;  // the listener may still CommitSync from the final revocation
  rd_kafka_t* rk = state_->rk.get();
  const auto deadline = Clock::now() + state_->close_timeout;
  GiveUpAssignment(deadline - state_->close_timeout / 2);
  // Close through a queue we serve ourselves, so leaving the group is bounded even when the
  // brokers are gone; the revocation still reaches the listener.
  internal::QueuePtr queue(rd_kafka_queue_new(rk));
  bool closed_cleanly = false;
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(rk, queue.get())) {
    spdlog::warn("kafka consumer: close failed: {}", rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  } else {
    while (!rd_kafka_consumer_closed(rk) && Clock::now() < deadline) {
      rd_kafka_event_t* event = rd_kafka_queue_poll(queue.get(), 100);
      if (event == nullptr) continue;
      if (rd_kafka_event_type(event) == RD_KAFKA_EVENT_REBALANCE) {
        state_->OnRebalance(rk, rd_kafka_event_error(event),
                            rd_kafka_event_topic_partition_list(event));
      }
      rd_kafka_event_destroy(event);
    }
    closed_cleanly = rd_kafka_consumer_closed(rk) != 0;
  }
  rd_kafka_queue_poll_callback(state_->commit_queue.get(), 0);
  state_->commit_queue.reset();
  queue.reset();
  if (closed_cleanly) {
    spdlog::info("kafka consumer: left the group");
    state_->rk.reset();
  } else {
    spdlog::warn(
        "kafka consumer: did not leave the group within {} ms; the coordinator will "
        "expire the membership after session.timeout.ms",
        state_->close_timeout.count());
    rd_kafka_destroy_flags(state_->rk.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }
  state_->stats.assigned_partitions.Set(0);
  state_->closed = true;
}

Status<KafkaError> ValidateConsumerProperties(const config::KafkaConfig& config) {
  auto conf = BuildConsumerConf(config, "pinsync");
  if (!conf) return Unexpected{conf.error()};
  return Ok{};
}

}  // namespace pinsync::kafka
