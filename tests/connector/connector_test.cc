// The Connector loop over fakes: commits follow acknowledgements, revocation commits what is
// settled, backpressure pauses and resumes, shutdown flushes and commits.

#include "pinsync/connector/connector.h"

#include <gtest/gtest.h>

#include "connector/fake_batch_sink.h"
#include "connector/pipeline_events.h"
#include "pinsync/kafka/fake_dead_letter_producer.h"
#include "pinsync/kafka/fake_message_source.h"

namespace pinsync::connector {
namespace {

using namespace std::chrono_literals;
using testing::FakeBatchSink;

using testing::kP0;
using testing::kP1;

std::string Event(int user, const std::string& op = "add") {
  return "{\"audience_id\":\"vip\",\"op\":\"" + op + "\",\"identifiers\":{\"email\":\"u" +
         std::to_string(user) + "@example.com\"}}";
}

class ConnectorTest : public ::testing::Test {
 protected:
  explicit ConnectorTest(bool auto_ack = true) : sink_(auto_ack) {
    config_.pinterest.ad_account_id = "1";
    config_.batching.max_records = 10;
    config_.batching.max_age = 1h;
    config_.shutdown.timeout = 200ms;
    config_.kafka.commit_interval = 1h;  // only acknowledgement-driven commits unless advanced
  }
  void Start() {
    pipeline_ = std::make_unique<SyncPipeline>(config_, clock_, sink_, &dead_letters_);
    connector_ = std::make_unique<Connector>(config_, clock_, source_, *pipeline_, nullptr);
  }
  void StepN(int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(connector_->Step(0ms));
  }

  config::Config config_;
  ManualClock clock_;
  FakeBatchSink sink_;
  kafka::FakeDeadLetterProducer dead_letters_;
  kafka::FakeMessageSource source_;
  std::unique_ptr<SyncPipeline> pipeline_;
  std::unique_ptr<Connector> connector_;
};

TEST_F(ConnectorTest, CommitsFollowAcknowledgements) {
  for (int i = 0; i < 25; ++i) source_.Append(i % 2 ? kP1 : kP0, "u", Event(i));
  source_.ScheduleAssign({kP0, kP1});
  Start();
  StepN(5);
  // 25 distinct records: two full batches of 10 went and were acknowledged; 5 still buffered.
  EXPECT_EQ(sink_.delivered_records(), 20u);
  ASSERT_FALSE(source_.commit_history().empty());
  EXPECT_LT(source_.committed().at(kP0) + source_.committed().at(kP1), 25)
      << "the buffered records' offsets are not committed";
  ASSERT_TRUE(connector_->Shutdown());
  EXPECT_EQ(source_.committed().at(kP0), 13);
  EXPECT_EQ(source_.committed().at(kP1), 12);
  EXPECT_TRUE(source_.closed());
}

TEST_F(ConnectorTest, PeriodicCommitCoversOffsetsWithoutHolds) {
  config_.kafka.commit_interval = 5s;
  source_.Append(kP0, "u", "{broken");
  source_.ScheduleAssign({kP0});
  Start();
  StepN(2);
  clock_.Advance(5s);
  StepN(1);
  ASSERT_TRUE(source_.committed().contains(kP0));
  EXPECT_EQ(source_.committed().at(kP0), 1) << "dead letter acknowledged, then committed";
}

TEST_F(ConnectorTest, RevocationCommitsSettledWorkAndDropsBuffered) {
  for (int i = 0; i < 3; ++i) source_.Append(kP0, "u", Event(i));
  for (int i = 0; i < 3; ++i) source_.Append(kP1, "u", Event(100 + i));
  source_.ScheduleAssign({kP0, kP1});
  Start();
  StepN(2);
  EXPECT_EQ(pipeline_->buffered_records(), 6u);
  source_.ScheduleRevoke({kP1});
  StepN(1);
  EXPECT_EQ(pipeline_->buffered_records(), 3u) << "P1's records dropped; the new owner replays";
  if (source_.committed().contains(kP1)) {
    EXPECT_EQ(source_.committed().at(kP1), 0) << "nothing of P1 was acknowledged";
  }
  ASSERT_TRUE(connector_->Shutdown());
  EXPECT_EQ(source_.committed().at(kP0), 3);
}

class ManualAckConnectorTest : public ConnectorTest {
 protected:
  ManualAckConnectorTest() : ConnectorTest(/*auto_ack=*/false) {}
};

TEST_F(ManualAckConnectorTest, RevocationWaitsBoundedForInFlightBatches) {
  for (int i = 0; i < 10; ++i) source_.Append(kP1, "u", Event(i));  // one full batch
  source_.ScheduleAssign({kP1});
  Start();
  StepN(2);
  ASSERT_EQ(sink_.submitted().size(), 1u);
  source_.ScheduleRevoke({kP1});
  StepN(1);  // waits up to shutdown.timeout, then gives up: nothing committed for P1
  if (source_.committed().contains(kP1)) {
    EXPECT_EQ(source_.committed().at(kP1), 0);
  }
  EXPECT_FALSE(pipeline_->HoldsAny({kP1}));
}

TEST_F(ManualAckConnectorTest, BackpressurePausesAndResumesPartitions) {
  config_.pipeline.max_in_flight_records = 10;
  for (int i = 0; i < 30; ++i) source_.Append(kP0, "u", Event(i));
  source_.ScheduleAssign({kP0});
  Start();
  StepN(1);
  EXPECT_TRUE(source_.paused(kP0));
  sink_.CompleteAll();
  StepN(1);
  EXPECT_FALSE(source_.paused(kP0));
}

TEST_F(ManualAckConnectorTest, ShutdownTimeoutLeavesUnacknowledgedOffsetsUncommitted) {
  for (int i = 0; i < 4; ++i) source_.Append(kP0, "u", Event(i));
  source_.ScheduleAssign({kP0});
  Start();
  StepN(2);
  EXPECT_FALSE(connector_->Shutdown());
  EXPECT_EQ(sink_.submitted().size(), 1u) << "flushed on shutdown";
  if (source_.committed().contains(kP0)) {
    EXPECT_EQ(source_.committed().at(kP0), 0);
  }
}

TEST_F(ManualAckConnectorTest, ShutdownStopsFetchingBeforeItFlushes) {
  for (int i = 0; i < 4; ++i) source_.Append(i % 2 ? kP1 : kP0, "u", Event(i));
  source_.ScheduleAssign({kP0, kP1});
  Start();
  StepN(2);
  ASSERT_TRUE(sink_.submitted().empty()) << "buffered until the shutdown";
  EXPECT_FALSE(source_.paused(kP0));
  // Nothing fetched during the shutdown is processed: fetching stops before the wait begins.
  bool paused_at_flush = false;
  sink_.on_submit = [&](const aggregate::Batch&) {
    paused_at_flush = source_.paused(kP0) && source_.paused(kP1);
  };
  EXPECT_FALSE(connector_->Shutdown());  // never acknowledged: times out
  EXPECT_EQ(sink_.submitted().size(), 1u);
  EXPECT_TRUE(paused_at_flush);
  EXPECT_TRUE(source_.closed());
}

// pinterest.requests_per_minute is the group's budget: each member takes the share of its
// assigned partitions, and the share follows the assignment.
TEST_F(ConnectorTest, BudgetShareFollowsTheAssignedPartitions) {
  const TopicPartition p2{"events", 2}, p3{"events", 3};
  source_.set_subscribed_partition_count(6);
  source_.ScheduleAssign({kP0, kP1, p2});
  Start();
  StepN(1);
  EXPECT_DOUBLE_EQ(sink_.budget_share(), 0.5);
  source_.ScheduleRevoke({kP1, p2});
  StepN(1);
  EXPECT_DOUBLE_EQ(sink_.budget_share(), 1.0 / 6);
  source_.ScheduleAssign({kP1, p2, p3});
  StepN(1);
  EXPECT_DOUBLE_EQ(sink_.budget_share(), 4.0 / 6);
}

TEST_F(ConnectorTest, UnknownPartitionCountKeepsTheWholeBudget) {
  source_.ScheduleAssign({kP0});
  Start();
  StepN(1);
  EXPECT_DOUBLE_EQ(sink_.budget_share(), 1.0);
}

}  // namespace
}  // namespace pinsync::connector
