// GroupJoinWatch: librdkafka request interceptors that track the consumer's JoinGroup and
// Heartbeat requests.

#include "group_join_watch.h"

namespace pinsync::kafka::internal {
namespace {

constexpr char kInterceptorName[] = "pinsync-group-join-watch";
constexpr int16_t kJoinGroupApiKey = 11;
constexpr int16_t kHeartbeatApiKey = 12;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

rd_kafka_resp_err_t GroupJoinWatch::Install(rd_kafka_conf_t* conf) {
  return rd_kafka_conf_interceptor_add_on_new(conf, kInterceptorName, &GroupJoinWatch::OnNew, this);
}

bool GroupJoinWatch::CommitSafe() const {
  return !join_pending_.load(std::memory_order_acquire) &&
         !heartbeat_pending_.load(std::memory_order_acquire) &&
         NowNs() >= hold_until_ns_.load(std::memory_order_acquire);
}

void GroupJoinWatch::HoldFor(std::chrono::milliseconds grace) {
  const int64_t until =
      NowNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(grace).count();
  int64_t current = hold_until_ns_.load(std::memory_order_relaxed);
  while (current < until &&
         !hold_until_ns_.compare_exchange_weak(current, until, std::memory_order_acq_rel)) {
  }
}

rd_kafka_resp_err_t GroupJoinWatch::OnNew(rd_kafka_t* rk, const rd_kafka_conf_t* /*conf*/,
                                          void* opaque, char* /*errstr*/, size_t /*errstr_size*/) {
  rd_kafka_resp_err_t err = rd_kafka_interceptor_add_on_request_sent(
      rk, kInterceptorName, &GroupJoinWatch::OnRequestSent, opaque);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return err;
  return rd_kafka_interceptor_add_on_response_received(rk, kInterceptorName,
                                                       &GroupJoinWatch::OnResponseReceived, opaque);
}

rd_kafka_resp_err_t GroupJoinWatch::OnRequestSent(rd_kafka_t* /*rk*/, int /*sockfd*/,
                                                  const char* /*brokername*/, int32_t /*brokerid*/,
                                                  int16_t api_key, int16_t /*api_version*/,
                                                  int32_t /*corr_id*/, size_t /*size*/,
                                                  void* opaque) {
  auto* watch = static_cast<GroupJoinWatch*>(opaque);
  if (api_key == kJoinGroupApiKey) watch->join_pending_.store(true, std::memory_order_release);
  if (api_key == kHeartbeatApiKey) {
    watch->heartbeat_pending_.store(true, std::memory_order_release);
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

rd_kafka_resp_err_t GroupJoinWatch::OnResponseReceived(rd_kafka_t* /*rk*/, int /*sockfd*/,
                                                       const char* /*brokername*/,
                                                       int32_t /*brokerid*/, int16_t api_key,
                                                       int16_t /*api_version*/, int32_t /*corr_id*/,
                                                       size_t /*size*/, int64_t /*rtt*/,
                                                       rd_kafka_resp_err_t /*err*/, void* opaque) {
  // Called for a response and for a failure (timeout, disconnect) alike, before librdkafka's
  // main thread acts on it: one request of each kind is outstanding at a time, so whatever ends
  // it ends the wait, and the grace covers the main thread's reaction.
  auto* watch = static_cast<GroupJoinWatch*>(opaque);
  if (api_key != kJoinGroupApiKey && api_key != kHeartbeatApiKey) {
    return RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  watch->HoldFor(kGrace);
  if (api_key == kJoinGroupApiKey) watch->join_pending_.store(false, std::memory_order_release);
  if (api_key == kHeartbeatApiKey) {
    watch->heartbeat_pending_.store(false, std::memory_order_release);
  }
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace pinsync::kafka::internal
