// Read-only helpers over throwaway consumer handles: committed offsets, end offsets, whole topics.

#include "pinsync/kafka/admin.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>

#include "rdkafka_handles.h"

namespace pinsync::kafka {
namespace {

using SteadyClock = std::chrono::steady_clock;

int RemainingMs(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::max<int64_t>(left, 0));
}

// A consumer that never joins or commits: for OffsetFetch, ListOffsets and assign().
Result<internal::KafkaPtr, KafkaError> NewReader(const std::string& bootstrap_servers,
                                                 const std::string& group_id) {
  internal::ConfPtr conf = internal::NewConf();
  const std::map<std::string, std::string> properties = {
      {"bootstrap.servers", bootstrap_servers}, {"group.id", group_id},
      {"client.id", "pinsync-admin"},           {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},    {"enable.partition.eof", "false"},
  };
  if (auto s = internal::SetProperties(conf.get(), properties, "admin client setting "); !s) {
    return Unexpected{s.error()};
  }
  return internal::NewClient(RD_KAFKA_CONSUMER, std::move(conf), "admin client");
}

std::string ThrowawayGroup() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("pinsync-reader-{}-{}", SteadyClock::now().time_since_epoch().count(),
                     counter++);
}

Result<PartitionOffsets, KafkaError> QueryEnds(rd_kafka_t* rk,
                                               const std::vector<TopicPartition>& partitions,
                                               SteadyClock::time_point deadline) {
  PartitionOffsets out;
  for (const auto& tp : partitions) {
    int64_t low = 0;
    int64_t high = 0;
    const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk, tp.topic.c_str(), tp.partition, &low, &high, std::max(RemainingMs(deadline), 1));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Unexpected{internal::FromRdKafka(
          KafkaErrorCode::kTimeout, err,
          fmt::format("querying the end offset of {}[{}]", tp.topic, tp.partition),
          "check that the brokers are reachable")};
    }
    out[tp] = high;
  }
  return out;
}

}  // namespace

const std::string* StoredMessage::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

Result<PartitionOffsets, KafkaError> CommittedOffsets(const std::string& bootstrap_servers,
                                                      const std::string& group_id,
                                                      const std::vector<std::string>& topics,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  auto rk = NewReader(bootstrap_servers, group_id);
  if (!rk) return Unexpected{rk.error()};
  auto partitions = internal::ListPartitions(rk->get(), topics, RemainingMs(deadline));
  if (!partitions) return Unexpected{partitions.error()};
  internal::PartitionListPtr list = internal::ToPartitionList(*partitions);
  const rd_kafka_resp_err_t err =
      rd_kafka_committed(rk->get(), list.get(), std::max(RemainingMs(deadline), 1));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{internal::FromRdKafka(KafkaErrorCode::kTimeout, err,
                                            "fetching the group's committed offsets",
                                            "check that the brokers are reachable")};
  }
  PartitionOffsets out;
  for (int i = 0; i < list->cnt; ++i) {
    const auto& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Unexpected{internal::FromRdKafka(
          KafkaErrorCode::kTimeout, p.err,
          fmt::format("fetching the committed offset of {}[{}]", p.topic, p.partition), "retry")};
    }
    out[TopicPartition{p.topic, p.partition}] = p.offset < 0 ? -1 : p.offset;
  }
  return out;
}

Result<PartitionOffsets, KafkaError> EndOffsets(const std::string& bootstrap_servers,
                                                const std::vector<std::string>& topics,
                                                std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  auto rk = NewReader(bootstrap_servers, ThrowawayGroup());
  if (!rk) return Unexpected{rk.error()};
  auto partitions = internal::ListPartitions(rk->get(), topics, RemainingMs(deadline));
  if (!partitions) return Unexpected{partitions.error()};
  return QueryEnds(rk->get(), *partitions, deadline);
}

Result<std::vector<StoredMessage>, KafkaError> ReadTopic(const std::string& bootstrap_servers,
                                                         const std::string& topic,
                                                         std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  auto rk = NewReader(bootstrap_servers, ThrowawayGroup());
  if (!rk) return Unexpected{rk.error()};
  auto partitions = internal::ListPartitions(rk->get(), {topic}, RemainingMs(deadline));
  if (!partitions) return Unexpected{partitions.error()};
  auto ends = QueryEnds(rk->get(), *partitions, deadline);
  if (!ends) return Unexpected{ends.error()};

  // Partitions still to read, each up to (excluding) its end offset at the time of the call.
  PartitionOffsets remaining;
  for (const auto& [tp, end] : *ends) {
    if (end > 0) remaining[tp] = end;
  }
  internal::PartitionListPtr assignment = internal::ToPartitionList(*partitions);
  for (int i = 0; i < assignment->cnt; ++i) assignment->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk->get(), assignment.get()); err) {
    return Unexpected{internal::FromRdKafka(KafkaErrorCode::kFatal, err,
                                            fmt::format("reading topic '{}'", topic), "retry")};
  }

  std::vector<StoredMessage> out;
  while (!remaining.empty() && RemainingMs(deadline) > 0) {
    internal::MessagePtr m(rd_kafka_consumer_poll(rk->get(), std::min(RemainingMs(deadline), 200)));
    if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
    auto it = remaining.find(tp);
    if (it == remaining.end() || m->offset >= it->second) continue;
    StoredMessage stored;
    stored.tp = tp;
    stored.offset = m->offset;
    if (m->key) stored.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) stored.value.assign(static_cast<const char*>(m->payload), m->len);
    stored.timestamp_ms = rd_kafka_message_timestamp(m.get(), nullptr);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m.get(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        stored.headers.emplace_back(
            name, value ? std::string(static_cast<const char*>(value), size) : std::string());
      }
    }
    out.push_back(std::move(stored));
    if (m->offset + 1 >= it->second) remaining.erase(it);
  }
  rd_kafka_consumer_close(rk->get());
  if (!remaining.empty()) {
    return Unexpected{KafkaError{
        KafkaErrorCode::kTimeout,
        fmt::format("reading topic '{}': {} partition(s) not read to the end within {} ms", topic,
                    remaining.size(), timeout.count()),
        0}};
  }
  std::sort(out.begin(), out.end(), [](const StoredMessage& a, const StoredMessage& b) {
    return std::tie(a.tp, a.offset) < std::tie(b.tp, b.offset);
  });
  return out;
}

}  // namespace pinsync::kafka
