#pragma once
// Tells when an offset commit could be queued behind this consumer's JoinGroup request, so it is
// not sent then (internal to src/kafka).
//
// Why: a commit queued behind a pending JoinGroup carries the old generation id. The coordinator
// reads it only once the join has completed (Kafka serves a connection's requests in order; the
// mock coordinator stops reading the connection while a JoinGroup waits), so it answers
// ILLEGAL_GENERATION, and librdkafka before 2.10.0 then drops the whole assignment as lost, even
// in the middle of a cooperative rebalance (librdkafka issue #4059, fixed by PR #4908 in 2.10.0).
// librdkafka 2.0.2 has no API telling that a rebalance started; its request interceptors see the
// JoinGroup and Heartbeat requests go out and their responses (or failures) come back.
//
// A rejoin starts on librdkafka's main thread right after a Heartbeat answered
// REBALANCE_IN_PROGRESS, or right after a rebalance callback. A commit handed to librdkafka in
// that instant is queued behind the JoinGroup, so commits also wait while a Heartbeat is on the
// wire and for a short grace after a Heartbeat or JoinGroup response and after a callback.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>

namespace pinsync::kafka::internal {

class GroupJoinWatch {
 public:
  // Registers the interceptors on `conf`, before rd_kafka_new(). The watch must outlive the
  // client built from `conf`: librdkafka's broker threads call it.
  rd_kafka_resp_err_t Install(rd_kafka_conf_t* conf);

  // True from the moment a JoinGroup request is written until its response or failure arrives.
  bool JoinPending() const { return join_pending_.load(std::memory_order_acquire); }

  // False while a JoinGroup or a Heartbeat is on the wire, and for the grace after one of their
  // responses or after NoteRebalanceCallback().
  bool CommitSafe() const;

  // Called from the rebalance callback: librdkafka may rejoin as soon as it returns.
  void NoteRebalanceCallback() { HoldFor(kGrace); }

 private:
  // Long enough for librdkafka's main thread to act on a response (send the JoinGroup).
  static constexpr std::chrono::milliseconds kGrace{100};

  void HoldFor(std::chrono::milliseconds grace);
  static rd_kafka_resp_err_t OnNew(rd_kafka_t* rk, const rd_kafka_conf_t* conf, void* opaque,
                                   char* errstr, size_t errstr_size);
  static rd_kafka_resp_err_t OnRequestSent(rd_kafka_t* rk, int sockfd, const char* brokername,
                                           int32_t brokerid, int16_t api_key, int16_t api_version,
                                           int32_t corr_id, size_t size, void* opaque);
  static rd_kafka_resp_err_t OnResponseReceived(rd_kafka_t* rk, int sockfd, const char* brokername,
                                                int32_t brokerid, int16_t api_key,
                                                int16_t api_version, int32_t corr_id, size_t size,
                                                int64_t rtt, rd_kafka_resp_err_t err, void* opaque);

  std::atomic<bool> join_pending_{false};
  std::atomic<bool> heartbeat_pending_{false};
  std::atomic<int64_t> hold_until_ns_{0};  // steady_clock
};

}  // namespace pinsync::kafka::internal
