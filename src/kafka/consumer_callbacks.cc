// The consumer's librdkafka callbacks: rebalances handed to the listener before the assignment
// changes, errors sorted into fatal and transient (each logged once), async commit results, the
// lag gauge.

#include <spdlog/spdlog.h>

#include <cstring>

#include "consumer_state.h"

namespace pinsync::kafka {
namespace {

void LogAssignError(rd_kafka_error_t* error, std::string_view what) {
  if (error == nullptr) return;
  spdlog::error("kafka consumer: {} failed: {}", what, rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
}

}  // namespace

namespace internal {

void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<KafkaMessageSource::State*>(opaque)->OnRebalance(rk, err, partitions);
}

void ErrorCallback(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  static_cast<KafkaMessageSource::State*>(opaque)->OnError(err, reason);
}

// The first per-partition error of a commit result, if any.
rd_kafka_resp_err_t FirstPartitionError(const rd_kafka_topic_partition_list_t* list) {
  if (list == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) return list->elems[i].err;
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

void AsyncCommitResult(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  auto* state = static_cast<KafkaMessageSource::State*>(opaque);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = FirstPartitionError(offsets);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
    state->stats.commits_ok.Increment();
    return;
  }
  state->stats.commits_failed.Increment();
  spdlog::warn(
      "kafka consumer: asynchronous offset commit failed: {} ({}); the next commit "
      "covers it",
      rd_kafka_err2str(err), rd_kafka_err2name(err));
}

}  // namespace internal

void KafkaMessageSource::State::OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t err,
                                            rd_kafka_topic_partition_list_t* partitions) {
  if (rebalance_protocol.empty() || rebalance_protocol == "NONE") {
    rebalance_protocol = rd_kafka_rebalance_protocol(handle);
  }
  last_rebalance = std::chrono::steady_clock::now();
  const bool cooperative = rebalance_protocol == "COOPERATIVE";
  const std::vector<TopicPartition> tps = internal::FromPartitionList(partitions);
  stats.rebalances.Increment();
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // Assign first, so the listener may Pause() the new partitions right away.
    if (cooperative) {
      LogAssignError(rd_kafka_incremental_assign(handle, partitions), "incremental assign");
    } else {
      const rd_kafka_resp_err_t e = rd_kafka_assign(handle, partitions);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::error("kafka consumer: assign failed: {}", rd_kafka_err2str(e));
      }
    }
    stats.partitions_assigned.Increment(static_cast<double>(tps.size()));
    spdlog::info("kafka consumer: {} partition(s) assigned ({} protocol)", tps.size(),
                 cooperative ? "cooperative" : "eager");
    if (listener != nullptr && !tps.empty()) listener->OnPartitionsAssigned(tps);
  } else {
    // Revoked (or lost): tell the listener while the partitions are still ours, so it can
    // commit what is acknowledged; then give them up.
    const bool lost = rd_kafka_assignment_lost(handle) != 0;
    if (lost) {
      stats.partitions_lost.Increment(static_cast<double>(tps.size()));
      spdlog::warn("kafka consumer: {} partition(s) lost (session timed out or fenced)",
                   tps.size());
    } else {
      stats.partitions_revoked.Increment(static_cast<double>(tps.size()));
      spdlog::info("kafka consumer: {} partition(s) revoked", tps.size());
    }
    if (listener != nullptr && !tps.empty()) {
      if (lost) {
        listener->OnPartitionsLost(tps);
      } else {
        listener->OnPartitionsRevoked(tps);
      }
    }
    if (cooperative) {
      LogAssignError(rd_kafka_incremental_unassign(handle, partitions), "incremental unassign");
    } else {
      rd_kafka_assign(handle, nullptr);
    }
  }
  join_watch.NoteRebalanceCallback();  // librdkafka may rejoin as soon as this returns
  rd_kafka_topic_partition_list_t* current = nullptr;
  if (rd_kafka_assignment(handle, &current) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    stats.assigned_partitions.Set(current->cnt);
    rd_kafka_topic_partition_list_destroy(current);
  }
}

void KafkaMessageSource::State::OnError(int err, const char* reason) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char detail[512] = {0};
    const rd_kafka_resp_err_t original = rd_kafka_fatal_error(rk.get(), detail, sizeof detail);
    fatal = KafkaError{KafkaErrorCode::kFatal,
                       fmt::format("kafka consumer hit a fatal error: {} ({}); restart pinsync "
                                   "(the group replays from the last committed offsets)",
                                   detail, rd_kafka_err2name(original)),
                       static_cast<int32_t>(original)};
    spdlog::error("{}", fatal->message);
    return;
  }
  stats.transient_errors.Increment();
  // A broker failure was already logged, once, by librdkafka's log callback; the event repeats it.
  // What is left is worth its line: "1/1 brokers are down", a failed OAUTHBEARER token refresh.
  if (internal::AlreadyLogged(rk.get(), reason)) return;
  spdlog::warn("kafka consumer: {} ({}); librdkafka retries by itself", reason,
               rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
}

void KafkaMessageSource::State::UpdateLag() {
  // Cheap: watermarks are cached from fetch responses, positions are local.
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(rk.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  internal::PartitionListPtr assignment(raw);
  if (rd_kafka_position(rk.get(), assignment.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  int64_t lag = 0;
  for (int i = 0; i < assignment->cnt; ++i) {
    const auto& p = assignment->elems[i];
    int64_t low = 0;
    int64_t high = 0;
    if (p.offset < 0 || rd_kafka_get_watermark_offsets(rk.get(), p.topic, p.partition, &low,
                                                       &high) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      continue;
    }
    if (high > p.offset) lag += high - p.offset;
  }
  stats.lag_messages.Set(static_cast<double>(lag));
}

}  // namespace pinsync::kafka
