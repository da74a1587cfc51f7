// KafkaMessageSource against the mock cluster: consumption, commits, pause/resume, admin helpers.

#include <prometheus/registry.h>

#include <set>

#include "kafka_test_support.h"
#include "pinsync/kafka/admin.h"

namespace pinsync::kafka::testing {
namespace {

TEST_F(KafkaTest, ConsumesEveryProducedMessageOnceWithKeysOnOnePartitionInOrder) {
  constexpr int kCount = 2000;
  Produce(kCount);
  auto source = NewSource(Config());
  ASSERT_NE(source, nullptr);
  std::vector<Received> got = Consume(*source, kCount);
  ASSERT_EQ(got.size(), static_cast<size_t>(kCount));

  std::set<std::string> values;
  std::map<std::string, TopicPartition> partition_of_key;
  std::map<std::string, int> last_index_of_key;
  for (const auto& r : got) {
    EXPECT_TRUE(values.insert(r.value).second) << "duplicate " << r.value;
    EXPECT_EQ(r.value.substr(0, r.key.size()), r.key);
    auto [it, fresh] = partition_of_key.emplace(r.key, r.tp);
    EXPECT_EQ(it->second, r.tp) << "key on two partitions";
    const int index = std::stoi(r.value.substr(r.key.size() + 1));
    auto [last, first_seen] = last_index_of_key.emplace(r.key, index);
    if (!first_seen) {
      EXPECT_GT(index, last->second) << "per-key order broken";
      last->second = index;
    }
  }
  EXPECT_EQ(values.size(), static_cast<size_t>(kCount));
  // 50 keys spread over 4 partitions by murmur2: more than one partition is used.
  std::set<int32_t> partitions;
  for (const auto& [key, tp] : partition_of_key) partitions.insert(tp.partition);
  EXPECT_GT(partitions.size(), 1u);
  source->Close();
}

TEST_F(KafkaTest, CommitSyncIsVisibleInCommittedOffsetsAndEqualsEndOffsets) {
  Produce(300);
  prometheus::Registry registry;
  auto source = NewSource(Config("commit-group"), ConsumerOptions{&registry});
  ASSERT_NE(source, nullptr);

  auto before = CommittedOffsets(cluster_->bootstraps(), "commit-group", {kTopic});
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_EQ(before->size(), static_cast<size_t>(kPartitions));
  for (const auto& [tp, offset] : *before) EXPECT_EQ(offset, -1) << tp.partition;

  std::vector<Received> got = Consume(*source, 300);
  ASSERT_EQ(got.size(), 300u);
  auto commit = source->CommitSync(NextOffsets(got));
  ASSERT_TRUE(commit.ok()) << commit.error().message;

  auto committed = CommittedOffsets(cluster_->bootstraps(), "commit-group", {kTopic});
  auto ends = EndOffsets(cluster_->bootstraps(), {kTopic});
  ASSERT_TRUE(committed.ok()) << committed.error().message;
  ASSERT_TRUE(ends.ok()) << ends.error().message;
  int64_t total = 0;
  for (const auto& [tp, end] : *ends) {
    total += end;
    // Partitions without messages were never committed.
    EXPECT_EQ((*committed)[tp], end == 0 ? -1 : end) << tp.partition;
  }
  EXPECT_EQ(total, 300);

  // The async path is counted once its result is served by a later Poll.
  source->CommitAsync(NextOffsets(got));
  PollUntil(
      *source, [] { return false; }, 10);
  const auto text = [&registry] {
    double ok = 0;
    for (const auto& family : registry.Collect()) {
      if (family.name != "pinsync_kafka_commits_total") continue;
      for (const auto& metric : family.metric) {
        if (metric.label[0].value == "ok") ok = metric.counter.value;
      }
    }
    return ok;
  }();
  EXPECT_EQ(text, 2.0);
  source->Close();
}

TEST_F(KafkaTest, PausedPartitionsDeliverNothingUntilResumed) {
  auto source = NewSource(Config("pause-group"));
  ASSERT_NE(source, nullptr);
  // Join the group first so the pause applies to an owned assignment.
  PollUntil(*source, [&] { return source->Assignment().size() == kPartitions; });
  ASSERT_EQ(source->Assignment().size(), static_cast<size_t>(kPartitions));
  source->Pause(source->Assignment());

  Produce(100);
  std::vector<Received> while_paused = PollUntil(
      *source, [] { return false; }, 20);
  EXPECT_TRUE(while_paused.empty()) << while_paused.size() << " messages while paused";

  source->Resume(source->Assignment());
  std::vector<Received> after = Consume(*source, 100);
  EXPECT_EQ(after.size(), 100u);
  source->Close();
}

TEST_F(KafkaTest, PollAfterCloseIsAnError) {
  auto source = NewSource(Config("close-group"));
  ASSERT_NE(source, nullptr);
  source->Close();
  source->Close();  // idempotent
  auto polled = source->Poll(10ms);
  ASSERT_FALSE(polled.ok());
  EXPECT_EQ(polled.error().code, KafkaErrorCode::kClosed);
  EXPECT_TRUE(source->Assignment().empty());
}

TEST_F(KafkaTest, ReadTopicReturnsEverythingInPartitionOffsetOrder) {
  Produce(120, 10);
  auto messages = ReadTopic(cluster_->bootstraps(), kTopic);
  ASSERT_TRUE(messages.ok()) << messages.error().message;
  ASSERT_EQ(messages->size(), 120u);
  for (size_t i = 1; i < messages->size(); ++i) {
    const auto& a = (*messages)[i - 1];
    const auto& b = (*messages)[i];
    EXPECT_TRUE(std::tie(a.tp, a.offset) < std::tie(b.tp, b.offset));
  }
  auto unknown = ReadTopic(cluster_->bootstraps(), "no-such-topic", 5s);
  ASSERT_FALSE(unknown.ok());
}

}  // namespace
}  // namespace pinsync::kafka::testing
