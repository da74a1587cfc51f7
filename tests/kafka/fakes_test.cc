// The in-memory fakes behave like the real thing where the connector relies on it.

#include <gtest/gtest.h>

#include "kafka_test_support.h"
#include "pinsync/kafka/fake_dead_letter_producer.h"
#include "pinsync/kafka/fake_message_source.h"

namespace pinsync::kafka::testing {
namespace {

TEST(FakeMessageSourceTest, DeliversAssignedPartitionsAndReplaysFromCommittedAfterReassign) {
  FakeMessageSource source;
  RecordingListener listener;
  source.SetRebalanceListener(&listener);
  const TopicPartition p0{"t", 0};
  const TopicPartition p1{"t", 1};
  for (int i = 0; i < 3; ++i) source.Append(p0, "k", "v" + std::to_string(i));
  source.Append(p1, "k1", "w0");
  source.ScheduleAssign({p0, p1});

  std::vector<std::string> values;
  for (int i = 0; i < 10; ++i) {
    auto m = source.Poll(0ms);
    ASSERT_TRUE(m.ok());
    if (*m) values.emplace_back((*m)->value());
  }
  EXPECT_EQ(values.size(), 4u);
  ASSERT_EQ(listener.events.size(), 1u);

  ASSERT_TRUE(source.CommitSync({{p0, 2}}).ok());
  source.FailNextCommits(1);
  EXPECT_FALSE(source.CommitSync({{p0, 3}}).ok());
  EXPECT_EQ(source.committed().at(p0), 2);

  source.ScheduleRevoke({p0});
  source.ScheduleAssign({p0});
  auto m = source.Poll(0ms);
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->offset(), 2);  // replayed from the committed offset
  EXPECT_EQ((*m)->value(), "v2");

  source.Pause({p0});
  EXPECT_TRUE(source.paused(p0));
  source.Close();
  EXPECT_EQ(listener.events.back().kind, RecordingListener::Event::kRevoked);
  EXPECT_FALSE(source.Poll(0ms).ok());
}

TEST(FakeDeadLetterProducerTest, AcknowledgesOnPollOrOnDemand) {
  FakeDeadLetterProducer automatic;
  ASSERT_TRUE(automatic.Produce(DeadLetter{{"t", 0}, 1, "k", "v", "r"}, 5).ok());
  EXPECT_TRUE(automatic.DrainAcks().empty());
  automatic.Poll();
  auto acks = automatic.DrainAcks();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].token, 5u);

  FakeDeadLetterProducer manual(false);
  manual.RejectNextProduces(1);
  EXPECT_FALSE(manual.Produce(DeadLetter{{"t", 0}, 1, "k", "v", "r"}, 1).ok());
  ASSERT_TRUE(manual.Produce(DeadLetter{{"t", 0}, 1, "k", "v", "r"}, 2).ok());
  manual.Poll();
  EXPECT_TRUE(manual.DrainAcks().empty());
  manual.Complete(2, false);
  acks = manual.DrainAcks();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_FALSE(acks[0].delivered);
  EXPECT_EQ(manual.produced().size(), 1u);
  EXPECT_EQ(manual.produced()[0].key, "k");
}

TEST(ConsumedMessageTest, OwningCopySurvivesMoves) {
  ConsumedMessage a({"t", 1}, 7, "short", "value");
  ConsumedMessage b = std::move(a);
  std::vector<ConsumedMessage> v;
  v.push_back(std::move(b));
  v.emplace_back(TopicPartition{"t", 2}, 8, "k2", "v2");
  EXPECT_EQ(v[0].key(), "short");
  EXPECT_EQ(v[0].value(), "value");
  EXPECT_EQ(v[0].offset(), 7);
}

}  // namespace
}  // namespace pinsync::kafka::testing
