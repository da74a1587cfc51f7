#pragma once
// Shared fixture for the Kafka layer's tests: a fresh mock cluster per test, quick group timings,
// and bounded polling helpers (no sleeping: each loop polls with a timeout and has a cap).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/kafka_message_source.h"
#include "pinsync/kafka/mock_cluster.h"

namespace pinsync::kafka::testing {

using namespace std::chrono_literals;

inline constexpr char kTopic[] = "events";
inline constexpr int kPartitions = 4;

// Records what the source tells its listener, in order.
class RecordingListener : public RebalanceListener {
 public:
  struct Event {
    enum Kind { kAssigned, kRevoked, kLost } kind;
    std::vector<TopicPartition> partitions;
  };
  void OnPartitionsAssigned(const std::vector<TopicPartition>& p) override {
    events.push_back({Event::kAssigned, p});
  }
  void OnPartitionsRevoked(const std::vector<TopicPartition>& p) override {
    events.push_back({Event::kRevoked, p});
    if (on_revoked) on_revoked(p);
  }
  void OnPartitionsLost(const std::vector<TopicPartition>& p) override {
    events.push_back({Event::kLost, p});
  }
  size_t Count(Event::Kind kind) const {
    size_t n = 0;
    for (const auto& e : events) n += e.kind == kind ? 1 : 0;
    return n;
  }
  std::vector<Event> events;
  std::function<void(const std::vector<TopicPartition>&)> on_revoked;
};

struct Received {
  TopicPartition tp;
  int64_t offset;
  std::string key;
  std::string value;
};

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = MockKafkaCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.error().message;
    cluster_ = std::move(*cluster);
    ASSERT_TRUE(cluster_->CreateTopic(kTopic, kPartitions).ok());
  }

  config::KafkaConfig Config(const std::string& group = "test-group") const {
    config::KafkaConfig c;
    c.bootstrap_servers = cluster_->bootstraps();
    c.group_id = group;
    c.topics = {kTopic};
    // Quick group membership so rebalances finish in seconds, not the production defaults.
    c.properties = {{"session.timeout.ms", "6000"},
                    {"heartbeat.interval.ms", "300"},
                    {"fetch.wait.max.ms", "50"},
                    {"topic.metadata.refresh.interval.ms", "1000"}};
    return c;
  }

  std::unique_ptr<KafkaMessageSource> NewSource(const config::KafkaConfig& c,
                                                ConsumerOptions options = {}) {
    options.close_timeout = 5s;
    auto source = KafkaMessageSource::Create(c, options);
    EXPECT_TRUE(source.ok()) << (source.ok() ? "" : source.error().message);
    return source.ok() ? std::move(*source) : nullptr;
  }

  // Produces `count` messages keyed user-<i % keys>, value "<key>:<i>", and waits for delivery.
  void Produce(int count, int keys = 50, int first = 0) {
    auto producer = EventProducer::Create(cluster_->bootstraps());
    ASSERT_TRUE(producer.ok()) << producer.error().message;
    for (int i = first; i < first + count; ++i) {
      const std::string key = "user-" + std::to_string(i % keys);
      ASSERT_TRUE((*producer)->Produce(kTopic, key, key + ":" + std::to_string(i)).ok());
    }
    auto flushed = (*producer)->Flush(20s);
    ASSERT_TRUE(flushed.ok()) << flushed.error().message;
    ASSERT_EQ((*producer)->delivered(), static_cast<uint64_t>(count));
  }

  // Polls until `done` holds or `max_polls` polls of 100 ms have passed; returns messages seen.
  // Budgets are generous: under ASan on a loaded 2-core machine, a group join once took 48 s.
  static std::vector<Received> PollUntil(MessageSource& source, const std::function<bool()>& done,
                                         int max_polls = 600) {
    std::vector<Received> out;
    for (int i = 0; i < max_polls && !done(); ++i) {
      auto polled = source.Poll(100ms);
      EXPECT_TRUE(polled.ok()) << (polled.ok() ? "" : polled.error().message);
      if (!polled.ok()) break;
      if (*polled) {
        const ConsumedMessage& m = **polled;
        out.push_back({m.tp(), m.offset(), std::string(m.key()), std::string(m.value())});
      }
    }
    return out;
  }

  // Polls until `count` messages arrived; at most count + `max_empty_polls` polls.
  static std::vector<Received> Consume(MessageSource& source, size_t count,
                                       int max_empty_polls = 600) {
    const int max_polls = static_cast<int>(count) + max_empty_polls;
    std::vector<Received> all;
    for (int i = 0; i < max_polls && all.size() < count; ++i) {
      auto batch = PollUntil(
          source, [] { return false; }, 1);
      all.insert(all.end(), batch.begin(), batch.end());
    }
    return all;
  }

  // Next offset to consume per partition, from what was received.
  static OffsetList NextOffsets(const std::vector<Received>& received) {
    std::map<TopicPartition, int64_t> next;
    for (const auto& r : received) next[r.tp] = std::max(next[r.tp], r.offset + 1);
    return OffsetList(next.begin(), next.end());
  }

  std::unique_ptr<MockKafkaCluster> cluster_;
};

}  // namespace pinsync::kafka::testing
