// SyncPipeline rules: what becomes committable when, dead letters, failures, revocation,
// backpressure. Fakes for delivery and dead letters; time from a ManualClock.

#include "pinsync/connector/sync_pipeline.h"

#include <gtest/gtest.h>

#include <string>

#include "connector/fake_batch_sink.h"
#include "connector/pipeline_events.h"
#include "pinsync/kafka/fake_dead_letter_producer.h"

namespace pinsync::connector {
namespace {

using namespace std::chrono_literals;
using testing::FakeBatchSink;

using testing::kP0;
using testing::kP1;

using testing::Event;

class SyncPipelineTest : public ::testing::Test {
 protected:
  SyncPipelineTest() {
    config_.pinterest.ad_account_id = "123";
    config_.batching.max_records = 1000;
    config_.batching.max_age = 10s;
  }
  void Make(bool with_dead_letters = true) {
    pipeline_ = std::make_unique<SyncPipeline>(config_, clock_, sink_,
                                               with_dead_letters ? &dead_letters_ : nullptr);
    pipeline_->Assign({kP0, kP1});
  }
  void Feed(const TopicPartition& tp, const std::string& value, const std::string& key = "u") {
    pipeline_->OnMessage(kafka::ConsumedMessage(tp, next_offset_[tp.partition]++, key, value));
  }
  std::optional<int64_t> Committable(const TopicPartition& tp) {
    for (const auto& [p, offset] : pipeline_->AllCommittable()) {
      if (p == tp) return offset;
    }
    return std::nullopt;
  }
  void AgeOut() {
    clock_.Advance(config_.batching.max_age);
    pipeline_->Pump();
  }

  config::Config config_;
  ManualClock clock_;
  FakeBatchSink sink_;
  kafka::FakeDeadLetterProducer dead_letters_{/*auto_ack=*/false};
  std::unique_ptr<SyncPipeline> pipeline_;
  int64_t next_offset_[2] = {0, 0};
};

TEST_F(SyncPipelineTest, OffsetsBecomeCommittableOnlyAfterAcknowledgement) {
  Make();
  Feed(kP0, Event("vip", "add", "ann@example.com"));
  Feed(kP0, Event("vip", "add", "bob@example.com"));
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 0) << "buffered records hold their offsets";
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 1u);
  EXPECT_EQ(sink_.submitted()[0].adds.size(), 2u);
  EXPECT_EQ(Committable(kP0), 0) << "in-flight records hold their offsets";
  sink_.CompleteAll();
  EXPECT_TRUE(pipeline_->Pump());
  EXPECT_EQ(Committable(kP0), 2);
  EXPECT_TRUE(pipeline_->Quiescent());
}

TEST_F(SyncPipelineTest, OneEventFeedsItsEmailAndMaidListsAndBothMustAcknowledge) {
  Make();
  Feed(kP0, Event("vip", "add", "ann@example.com", "6D92078A-8246-4BA4-AE5B-76104861E7DC"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 2u);
  EXPECT_NE(sink_.submitted()[0].key.list_type, sink_.submitted()[1].key.list_type);
  sink_.Complete(1);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 0);
  sink_.Complete(0);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 1);
}

TEST_F(SyncPipelineTest, LaterAcknowledgementNeverMovesFrontierPastAnEarlierBatch) {
  config_.batching.max_records = 2;
  Make();
  Feed(kP0, Event("a", "add", "a1@example.com"));  // 0
  Feed(kP0, Event("a", "add", "a2@example.com"));  // 1: batch A full
  Feed(kP0, Event("b", "add", "b1@example.com"));  // 2
  Feed(kP0, Event("b", "add", "b2@example.com"));  // 3: batch B full
  pipeline_->Pump();
  ASSERT_EQ(sink_.submitted().size(), 2u);
  sink_.Complete(1);  // B first
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 0);
  sink_.Complete(0);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 4);
}

TEST_F(SyncPipelineTest, MalformedMessageIsDeadLetteredAndHeldUntilTheCopyIsAcknowledged) {
  Make();
  Feed(kP1, "{not json", "user-9");
  pipeline_->Pump();
  ASSERT_EQ(dead_letters_.produced().size(), 1u);
  const auto& letter = dead_letters_.produced()[0];
  EXPECT_EQ(letter.reason, "malformed_json");
  EXPECT_EQ(letter.key, "user-9");
  EXPECT_EQ(letter.value, "{not json");
  EXPECT_EQ(letter.source, kP1);
  EXPECT_EQ(letter.offset, 0);
  EXPECT_EQ(Committable(kP1), 0);
  dead_letters_.Complete(letter.token, /*delivered=*/true);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP1), 1);
  EXPECT_EQ(pipeline_->counters().messages_dead_lettered, 1u);
}

TEST_F(SyncPipelineTest, FailedDeadLetterCopyIsProducedAgain) {
  Make();
  Feed(kP0, Event("vip", "add", "not-an-email"));
  pipeline_->Pump();
  ASSERT_EQ(dead_letters_.produced().size(), 1u);
  EXPECT_EQ(dead_letters_.produced()[0].reason, "invalid_email");
  dead_letters_.Complete(dead_letters_.produced()[0].token, /*delivered=*/false);
  pipeline_->Pump();
  ASSERT_EQ(dead_letters_.produced().size(), 2u) << "produced again";
  EXPECT_EQ(Committable(kP0), 0);
  dead_letters_.Complete(dead_letters_.produced()[1].token, true);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 1);
}

TEST_F(SyncPipelineTest, RefusedProduceIsRetriedByPump) {
  Make();
  dead_letters_.RejectNextProduces(1);
  Feed(kP0, "[]");
  EXPECT_TRUE(dead_letters_.produced().empty());
  pipeline_->Pump();
  ASSERT_EQ(dead_letters_.produced().size(), 1u);
  EXPECT_EQ(dead_letters_.produced()[0].reason, "not_an_object");
}

TEST_F(SyncPipelineTest, WithoutDeadLetterTopicRejectedMessagesAreSkipped) {
  Make(/*with_dead_letters=*/false);
  Feed(kP0, "{}");
  Feed(kP0, Event("vip", "frobnicate", "ann@example.com"));
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 2);
  EXPECT_EQ(pipeline_->counters().messages_skipped, 2u);
}

TEST_F(SyncPipelineTest, PermanentlyFailedBatchIsDeadLetteredRecordByRecord) {
  Make();
  Feed(kP0, Event("vip", "add", "ann@example.com"));
  Feed(kP0, Event("vip", "remove", "bob@example.com"));
  AgeOut();
  sink_.Complete(0, pinterest::DeliveryStatus::kFailed, {}, "retry_exhausted");
  pipeline_->Pump();
  ASSERT_EQ(dead_letters_.produced().size(), 2u);
  int adds = 0;
  for (const auto& letter : dead_letters_.produced()) {
    EXPECT_EQ(letter.reason, "retry_exhausted");
    EXPECT_EQ(letter.source, kP0);
    EXPECT_EQ(letter.value.find("@"), std::string::npos) << "no plaintext in dead letters";
    if (letter.value.find("\"op\":\"add\"") != std::string::npos) ++adds;
  }
  EXPECT_EQ(adds, 1);
  EXPECT_EQ(Committable(kP0), 0);
  for (const auto& letter : dead_letters_.produced()) dead_letters_.Complete(letter.token, true);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 2);
}

TEST_F(SyncPipelineTest, RejectedRecordsAreDeadLetteredAndTheRestAcknowledged) {
  Make();
  Feed(kP0, Event("vip", "add", "ann@example.com"));
  Feed(kP0, Event("vip", "add", "bob@example.com"));
  AgeOut();
  auto rejected = std::vector<aggregate::BatchRecord>{sink_.submitted()[0].adds[0]};
  sink_.Complete(0, pinterest::DeliveryStatus::kAcknowledged, rejected, "http_400");
  pipeline_->Pump();
  ASSERT_EQ(dead_letters_.produced().size(), 1u);
  EXPECT_EQ(dead_letters_.produced()[0].reason, "http_400");
  EXPECT_NE(dead_letters_.produced()[0].value.find(rejected[0].id.Hex()), std::string::npos);
  EXPECT_EQ(Committable(kP0), 0);
  dead_letters_.Complete(dead_letters_.produced()[0].token, true);
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 2);
  EXPECT_EQ(pipeline_->counters().records_rejected, 1u);
}

TEST_F(SyncPipelineTest, RevokedPartitionRecordsAreDroppedAndLateOutcomesIgnored) {
  Make();
  Feed(kP0, Event("vip", "add", "p0@example.com"));
  Feed(kP1, Event("vip", "add", "p1@example.com"));
  pipeline_->DropBuffered({kP1});
  EXPECT_EQ(pipeline_->buffered_records(), 1u);
  EXPECT_FALSE(pipeline_->HoldsAny({kP1})) << "nothing of P1 in flight";
  EXPECT_EQ(pipeline_->CommittableFor({kP1}).at(0).second, 0)
      << "dropped records are never committed: the next owner replays them";
  pipeline_->Forget({kP1});
  Feed(kP1, Event("vip", "add", "late@example.com"));  // polled after revocation: ignored
  EXPECT_EQ(pipeline_->buffered_records(), 1u);
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 1u);
  EXPECT_EQ(sink_.submitted()[0].adds.size(), 1u);
  sink_.CompleteAll();
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 1);
  EXPECT_EQ(Committable(kP1), std::nullopt);
}

TEST_F(SyncPipelineTest, InFlightBatchHoldsRevokedPartitionUntilAcknowledged) {
  Make();
  Feed(kP1, Event("vip", "add", "p1@example.com"));
  AgeOut();
  EXPECT_TRUE(pipeline_->HoldsAny({kP1}));
  sink_.CompleteAll();
  pipeline_->Pump();
  EXPECT_FALSE(pipeline_->HoldsAny({kP1}));
  EXPECT_EQ(pipeline_->CommittableFor({kP1}).at(0).second, 1);
}

TEST_F(SyncPipelineTest, ReassignedPartitionIsNotReleasedByAnOldBatch) {
  Make();
  Feed(kP1, Event("vip", "add", "p1@example.com"));  // offset 0
  AgeOut();                                          // in flight, holds p1@0
  pipeline_->Forget({kP1});
  pipeline_->Assign({kP1});
  next_offset_[1] = 0;  // the new assignment replays from the last commit
  Feed(kP1, Event("vip", "add", "p1@example.com"));
  sink_.Complete(0);  // the old batch completes: must not release the new hold
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP1), 0);
}

TEST_F(SyncPipelineTest, BufferLimitFlushesLargestBatchesEarly) {
  config_.pipeline.max_buffered_records = 10;
  Make();
  for (int i = 0; i < 8; ++i) Feed(kP0, Event("big", "add", "b" + std::to_string(i) + "@x.com"));
  for (int i = 0; i < 3; ++i) Feed(kP0, Event("small", "add", "s" + std::to_string(i) + "@x.com"));
  ASSERT_EQ(sink_.submitted().size(), 1u) << "11 > 10 buffered: the largest batch goes early";
  EXPECT_EQ(sink_.submitted()[0].key.audience_id, "big");
  EXPECT_EQ(pipeline_->buffered_records(), 3u);
}

// Repeats count toward the limit until their batch merges; the pipeline merges before flushing,
// so repeats alone never send a batch early (in a smaller request than it could be).
TEST_F(SyncPipelineTest, BufferLimitMergesRepeatsBeforeFlushingAnything) {
  config_.pipeline.max_buffered_records = 10;
  Make();
  for (int i = 0; i < 8; ++i) {
    Feed(kP0, Event("big", i % 2 ? "add" : "remove", "b" + std::to_string(i % 2) + "@x.com"));
  }
  for (int i = 0; i < 3; ++i) Feed(kP0, Event("small", "add", "s" + std::to_string(i) + "@x.com"));
  EXPECT_TRUE(sink_.submitted().empty()) << "11 changes, 5 distinct records: nothing goes early";
  EXPECT_EQ(pipeline_->buffered_records(), 5u);
  for (int i = 3; i < 9; ++i) Feed(kP0, Event("small", "add", "s" + std::to_string(i) + "@x.com"));
  ASSERT_EQ(sink_.submitted().size(), 1u) << "11 distinct records > 10: the largest batch goes";
  EXPECT_EQ(sink_.submitted()[0].key.audience_id, "small");
  EXPECT_EQ(pipeline_->buffered_records(), 2u);
}

TEST_F(SyncPipelineTest, InFlightLimitAsksToPauseUntilHalfDrained) {
  config_.pipeline.max_in_flight_records = 4;
  config_.batching.max_records = 2;
  Make();
  for (int i = 0; i < 4; ++i)
    Feed(kP0, Event("a" + std::to_string(i / 2), "add", std::to_string(i) + "@x.com"));
  pipeline_->Pump();
  ASSERT_EQ(sink_.submitted().size(), 2u);
  EXPECT_TRUE(pipeline_->ShouldPause());
  sink_.Complete(0);
  pipeline_->Pump();
  EXPECT_FALSE(pipeline_->ShouldPause()) << "2 <= 4/2 in flight: resume";
}

TEST_F(SyncPipelineTest, ShutdownFlushesEverything) {
  Make();
  Feed(kP0, Event("vip", "add", "ann@example.com"));
  Feed(kP1, Event("other", "remove", "bob@example.com"));
  pipeline_->FlushAll();
  EXPECT_EQ(sink_.submitted().size(), 2u);
  EXPECT_EQ(pipeline_->buffered_records(), 0u);
  EXPECT_FALSE(pipeline_->Quiescent());
  sink_.CompleteAll();
  pipeline_->Pump();
  EXPECT_TRUE(pipeline_->Quiescent());
}

// Ordering across owners (SyncPipeline::Assign): a partition leaving this member is withdrawn
// from delivery; a partition arriving waits out its previous owner's requests.
TEST_F(SyncPipelineTest, RevokedPartitionIsWithdrawnFromBatchesInDelivery) {
  Make();
  Feed(kP0, Event("vip", "add", "p0@example.com"));
  Feed(kP1, Event("vip", "add", "p1@example.com"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 1u);
  ASSERT_EQ(sink_.submitted()[0].adds.size(), 2u);
  pipeline_->DropBuffered({kP1});
  ASSERT_EQ(sink_.withdrawals().size(), 1u);
  EXPECT_EQ(sink_.submitted()[0].adds.size(), 1u) << "P1's record left the batch in delivery";
  EXPECT_EQ(pipeline_->counters().records_withdrawn, 1u);
  EXPECT_EQ(pipeline_->CommittableFor({kP1}).at(0).second, 0)
      << "withdrawn records are never committed: the next owner replays them";
  pipeline_->Forget({kP1});
  sink_.CompleteAll();
  pipeline_->Pump();
  EXPECT_EQ(Committable(kP0), 1);
}

TEST_F(SyncPipelineTest, LostPartitionIsWithdrawnFromBatchesInDelivery) {
  Make();
  Feed(kP1, Event("vip", "remove", "p1@example.com"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 1u);
  pipeline_->Forget({kP1});  // lost: no DropBuffered first
  EXPECT_EQ(sink_.submitted()[0].size(), 0u);
  EXPECT_EQ(pipeline_->counters().records_withdrawn, 1u);
}

TEST_F(SyncPipelineTest, ArrivingPartitionsRecordsWaitForTheHandoffDelay) {
  config_.kafka.properties["session.timeout.ms"] = "6000";
  config_.pinterest.request_timeout = 10s;
  config_.pipeline.handoff_margin = 2s;
  ASSERT_EQ(config_.PartitionHandoffDelay(), 18s);
  const SteadyTime assigned = clock_.Now();
  Make();  // assigns P0 and P1 now
  EXPECT_EQ(pipeline_->embargoed_partitions(), 2u);
  Feed(kP0, Event("vip", "add", "early@example.com"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 1u);
  EXPECT_EQ(sink_.submitted()[0].not_before, assigned + 18s);

  clock_.Advance(20s);  // both embargoes are over
  EXPECT_EQ(pipeline_->embargoed_partitions(), 0u);
  Feed(kP0, Event("vip", "add", "later@example.com"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 2u);
  EXPECT_LE(sink_.submitted()[1].not_before, clock_.Now());

  // P1 moves away and comes back: a batch with any of its records waits again.
  pipeline_->DropBuffered({kP1});
  pipeline_->Forget({kP1});
  const SteadyTime back = clock_.Now();
  pipeline_->Assign({kP1});
  EXPECT_EQ(pipeline_->embargoed_partitions(), 1u);
  Feed(kP0, Event("vip", "add", "mixed0@example.com"));
  Feed(kP1, Event("vip", "add", "mixed1@example.com"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 3u);
  EXPECT_EQ(sink_.submitted()[2].not_before, back + 18s);
}

TEST(PartitionHandoffDelayTest, DefaultsToLibrdkafkasSessionTimeout) {
  config::Config config;
  EXPECT_EQ(config.PartitionHandoffDelay(),
            std::chrono::milliseconds(45000) + config.pinterest.request_timeout + 5s);
}

}  // namespace
}  // namespace pinsync::connector
