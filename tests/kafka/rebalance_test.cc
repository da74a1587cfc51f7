// Group membership: cooperative rebalances reach the listener from inside Poll, eager ones too,
// and Close hands the partitions back.

#include <algorithm>
#include <cstdio>
#include <set>

#include "kafka_test_support.h"
#include "pinsync/kafka/admin.h"

namespace pinsync::kafka::testing {
namespace {

std::set<TopicPartition> AsSet(const std::vector<TopicPartition>& v) {
  return {v.begin(), v.end()};
}

TEST_F(KafkaTest, SecondMemberTriggersCooperativeRebalanceSeenByBothListeners) {
  RecordingListener listener_a;
  RecordingListener listener_b;
  auto a = NewSource(Config("coop-group"));
  ASSERT_NE(a, nullptr);
  a->SetRebalanceListener(&listener_a);
  PollUntil(*a, [&] { return a->Assignment().size() == kPartitions; });
  ASSERT_EQ(a->Assignment().size(), static_cast<size_t>(kPartitions));
  ASSERT_EQ(listener_a.Count(RecordingListener::Event::kAssigned), 1u);
  EXPECT_EQ(listener_a.events[0].partitions.size(), static_cast<size_t>(kPartitions));

  // A commits what it gives up from inside the revocation, as the connector does.
  int commits_in_revocation = 0;
  listener_a.on_revoked = [&](const std::vector<TopicPartition>& revoked) {
    OffsetList offsets;
    for (const auto& tp : revoked) offsets.emplace_back(tp, 0);
    auto committed = a->CommitSync(offsets);
    ++commits_in_revocation;
    if (!committed.ok()) {
      // Kafka may refuse a commit while the group is mid-rebalance (seen once under ASan load);
      // the connector then leaves the work for the new owner to replay. Anything else is a bug.
      const auto code = static_cast<rd_kafka_resp_err_t>(committed.error().rd_kafka_code);
      EXPECT_TRUE(code == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
                  code == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
                  code == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
          << committed.error().message;
      std::fprintf(stderr, "commit in revocation refused: %s\n", committed.error().message.c_str());
    }
  };
  auto b = NewSource(Config("coop-group"));
  ASSERT_NE(b, nullptr);
  b->SetRebalanceListener(&listener_b);
  // Both members must keep polling for the rebalance to complete.
  for (int i = 0; i < 600; ++i) {
    if (a->Assignment().size() + b->Assignment().size() == kPartitions &&
        !a->Assignment().empty() && !b->Assignment().empty()) {
      break;
    }
    ASSERT_TRUE(a->Poll(50ms).ok());
    ASSERT_TRUE(b->Poll(50ms).ok());
  }
  const auto owned_a = AsSet(a->Assignment());
  const auto owned_b = AsSet(b->Assignment());
  ASSERT_FALSE(owned_a.empty());
  ASSERT_FALSE(owned_b.empty());
  EXPECT_EQ(owned_a.size() + owned_b.size(), static_cast<size_t>(kPartitions));
  for (const auto& tp : owned_b) EXPECT_EQ(owned_a.count(tp), 0u);

  // Cooperative: A gave up exactly what B got, and never its whole assignment at once.
  std::set<TopicPartition> revoked_from_a;
  for (const auto& e : listener_a.events) {
    if (e.kind == RecordingListener::Event::kRevoked) {
      EXPECT_LT(e.partitions.size(), static_cast<size_t>(kPartitions));
      revoked_from_a.insert(e.partitions.begin(), e.partitions.end());
    }
  }
  EXPECT_EQ(revoked_from_a, owned_b);
  std::set<TopicPartition> assigned_to_b;
  for (const auto& e : listener_b.events) {
    if (e.kind == RecordingListener::Event::kAssigned) {
      assigned_to_b.insert(e.partitions.begin(), e.partitions.end());
    }
  }
  EXPECT_EQ(assigned_to_b, owned_b);
  EXPECT_EQ(listener_a.Count(RecordingListener::Event::kLost), 0u);
  EXPECT_EQ(static_cast<size_t>(commits_in_revocation),
            listener_a.Count(RecordingListener::Event::kRevoked));
  EXPECT_GE(commits_in_revocation, 1);
  listener_a.on_revoked = nullptr;

  // B leaves: its listener sees the revocation, and A gets everything back.
  b->Close();
  ASSERT_FALSE(listener_b.events.empty());
  EXPECT_EQ(listener_b.events.back().kind, RecordingListener::Event::kRevoked);
  EXPECT_EQ(AsSet(listener_b.events.back().partitions), owned_b);
  PollUntil(*a, [&] { return a->Assignment().size() == kPartitions; });
  EXPECT_EQ(a->Assignment().size(), static_cast<size_t>(kPartitions));
  a->Close();
}

TEST_F(KafkaTest, RevocationListenerCanCommitBeforePartitionsMove) {
  Produce(200);
  // Declared before the source: its destructor may still call the listener.
  std::vector<Received> got;
  bool committed_in_callback = false;
  RecordingListener listener;
  auto source = NewSource(Config("revoke-commit-group"));
  ASSERT_NE(source, nullptr);
  listener.on_revoked = [&](const std::vector<TopicPartition>& revoked) {
    OffsetList offsets;
    for (const auto& [tp, next] : NextOffsets(got)) {
      if (std::find(revoked.begin(), revoked.end(), tp) != revoked.end()) {
        offsets.emplace_back(tp, next);
      }
    }
    committed_in_callback = source->CommitSync(offsets).ok();
  };
  source->SetRebalanceListener(&listener);
  got = Consume(*source, 200);
  ASSERT_EQ(got.size(), 200u);
  source->Close();  // revokes everything: the listener commits
  EXPECT_TRUE(committed_in_callback);

  auto committed = CommittedOffsets(cluster_->bootstraps(), "revoke-commit-group", {kTopic});
  ASSERT_TRUE(committed.ok()) << committed.error().message;
  for (const auto& [tp, next] : NextOffsets(got)) EXPECT_EQ((*committed)[tp], next);
}

TEST_F(KafkaTest, FencedMemberSeesPartitionsLostThenRejoins) {
  RecordingListener listener;
  auto source = NewSource(Config("lost-group"));
  ASSERT_NE(source, nullptr);
  source->SetRebalanceListener(&listener);
  PollUntil(*source, [&] { return source->Assignment().size() == kPartitions; });
  ASSERT_EQ(source->Assignment().size(), static_cast<size_t>(kPartitions));

  // The coordinator forgets the member: librdkafka treats the assignment as lost.
  cluster_->PushRequestErrors(KafkaApi::kHeartbeat, {RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID});
  PollUntil(*source, [&] {
    return listener.Count(RecordingListener::Event::kLost) == 1 &&
           source->Assignment().size() == kPartitions;
  });
  ASSERT_EQ(listener.Count(RecordingListener::Event::kLost), 1u);
  EXPECT_EQ(listener.Count(RecordingListener::Event::kRevoked), 0u);
  EXPECT_EQ(listener.Count(RecordingListener::Event::kAssigned), 2u);
  EXPECT_EQ(source->Assignment().size(), static_cast<size_t>(kPartitions));
  source->Close();
}

TEST_F(KafkaTest, EagerStrategyRevokesAndReassignsEverything) {
  auto c = Config("eager-group");
  c.properties["partition.assignment.strategy"] = "range";
  RecordingListener listener_a;
  RecordingListener listener_b;
  auto a = NewSource(c);
  ASSERT_NE(a, nullptr);
  a->SetRebalanceListener(&listener_a);
  PollUntil(*a, [&] { return a->Assignment().size() == kPartitions; });
  ASSERT_EQ(a->Assignment().size(), static_cast<size_t>(kPartitions));

  auto b = NewSource(c);
  ASSERT_NE(b, nullptr);
  b->SetRebalanceListener(&listener_b);
  for (int i = 0; i < 600; ++i) {
    if (!a->Assignment().empty() && !b->Assignment().empty()) break;
    ASSERT_TRUE(a->Poll(50ms).ok());
    ASSERT_TRUE(b->Poll(50ms).ok());
  }
  EXPECT_EQ(a->Assignment().size() + b->Assignment().size(), static_cast<size_t>(kPartitions));
  // Eager: A's whole assignment was revoked before the new one arrived.
  ASSERT_GE(listener_a.events.size(), 3u);
  EXPECT_EQ(listener_a.events[1].kind, RecordingListener::Event::kRevoked);
  EXPECT_EQ(listener_a.events[1].partitions.size(), static_cast<size_t>(kPartitions));
  EXPECT_EQ(listener_a.events[2].kind, RecordingListener::Event::kAssigned);
  b->Close();
  a->Close();
}

}  // namespace
}  // namespace pinsync::kafka::testing
