// The per-audience metrics the SyncPipeline moves: changes consumed, records not synced,
// synced, errored (rejected, retry_exhausted, list_full), pending and its age, last sync; with a
// FakeBatchSink, a FakeDeadLetterProducer and a ManualClock.

#include <gtest/gtest.h>

#include <string>

#include "connector/fake_batch_sink.h"
#include "connector/metric_values.h"
#include "connector/pipeline_events.h"
#include "pinsync/connector/sync_pipeline.h"
#include "pinsync/decode/decoder_stats.h"
#include "pinsync/identity/identity_stats.h"
#include "pinsync/kafka/fake_dead_letter_producer.h"

namespace pinsync::connector {
namespace {

using namespace std::chrono_literals;
using testing::FakeBatchSink;
using testing::LabelValues;
using testing::MetricValue;
using Labels = std::map<std::string, std::string>;

using testing::kP0;
constexpr const char* kIdfa = "6D92078A-8246-4BA4-AE5B-76104861E7DC";

using testing::Event;

class PipelineAudienceTest : public ::testing::Test {
 protected:
  PipelineAudienceTest() {
    config_.pinterest.ad_account_id = "123";
    config_.batching.max_records = 1000;
    config_.batching.max_age = 10s;
  }
  void Make() {
    PipelineStats stats;
    stats.registry = &registry_;
    pipeline_ = std::make_unique<SyncPipeline>(config_, clock_, sink_, &dead_letters_, stats);
    pipeline_->Assign({kP0});
  }
  void Feed(const std::string& value) {
    pipeline_->OnMessage(kafka::ConsumedMessage(kP0, next_offset_++, "u", value));
  }
  std::optional<double> Value(const std::string& name, const Labels& labels) {
    pipeline_->RefreshAudienceStats();
    return MetricValue(registry_, name, labels);
  }
  void AgeOut() {
    clock_.Advance(config_.batching.max_age);
    pipeline_->Pump();
  }

  prometheus::Registry registry_;
  config::Config config_;
  ManualClock clock_;
  FakeBatchSink sink_;
  kafka::FakeDeadLetterProducer dead_letters_{/*auto_ack=*/true};
  std::unique_ptr<SyncPipeline> pipeline_;
  int64_t next_offset_ = 0;
};

TEST_F(PipelineAudienceTest, ChangesAreCountedPerAudienceListTypeAndOp) {
  Make();
  Feed(Event("vip", "add", "ann@example.com", kIdfa));
  Feed(Event("vip", "remove", "bob@example.com"));
  Feed(Event("churn", "add", "cid@example.com"));
  EXPECT_EQ(Value("pinsync_audience_changes_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_changes_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "remove"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_changes_total",
                  {{"audience", "vip"}, {"list_type", "MAID"}, {"op", "add"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_changes_total",
                  {{"audience", "churn"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            1);
}

// The decoder's and the normalizer's per-message counts are tallied on the consumer thread and
// reach their counters when the pipeline pumps (once per poll batch), not message by message.
TEST_F(PipelineAudienceTest, DecodedAndHashedCountsArePublishedWhenThePipelinePumps) {
  decode::DecoderStats decoder = decode::DecoderStats::Create(registry_);
  identity::IdentityStats identity = identity::IdentityStats::Create(registry_);
  PipelineStats stats;
  stats.registry = &registry_;
  stats.decoder = &decoder;
  stats.identity = &identity;
  pipeline_ = std::make_unique<SyncPipeline>(config_, clock_, sink_, &dead_letters_, stats);
  pipeline_->Assign({kP0});
  Feed(Event("vip", "add", "ann@example.com", kIdfa));
  Feed(Event("vip", "remove", "bob@example.com"));
  Feed("{not json");
  EXPECT_EQ(decoder.decoded.Value(), 0);
  EXPECT_EQ(decoder.rejected[static_cast<size_t>(decode::DecodeErrc::kMalformedJson)]->Value(), 1)
      << "rejections are counted at once";
  pipeline_->Pump();
  EXPECT_EQ(decoder.decoded.Value(), 2);
  EXPECT_EQ(identity.hashed_email.Value(), 2);
  EXPECT_EQ(identity.hashed_maid.Value(), 1);
  Feed(Event("vip", "add", "cid@example.com"));
  pipeline_->Pump();
  EXPECT_EQ(decoder.decoded.Value(), 3);
  EXPECT_EQ(identity.hashed_email.Value(), 3);
  EXPECT_EQ(MetricValue(registry_, "pinsync_events_decoded_total", {}), 3);
}

TEST_F(PipelineAudienceTest, EventsWithoutUsableIdentifiersAreNotSyncedPerReason) {
  Make();
  Feed(Event("vip", "add", "not-an-email"));
  Feed(Event("vip", "add", "ann@example.com", "not-a-maid"));  // the email goes on
  EXPECT_EQ(Value("pinsync_audience_records_not_synced_total",
                  {{"audience", "vip"}, {"reason", "invalid_email"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_records_not_synced_total",
                  {{"audience", "vip"}, {"reason", "invalid_maid"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_changes_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            1);
}

TEST_F(PipelineAudienceTest, PendingCoversBufferedAndInFlightAndItsAgeGrowsUntilAcknowledged) {
  Make();
  const Labels vip_email{{"audience", "vip"}, {"list_type", "EMAIL"}};
  Feed(Event("vip", "add", "ann@example.com"));
  clock_.Advance(4s);
  Feed(Event("vip", "add", "bob@example.com"));
  EXPECT_EQ(Value("pinsync_audience_records_pending", vip_email), 2) << "buffered";
  EXPECT_EQ(Value("pinsync_audience_oldest_pending_age_seconds", vip_email), 4);
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 1u);
  EXPECT_EQ(Value("pinsync_audience_records_pending", vip_email), 2) << "in flight";
  EXPECT_EQ(Value("pinsync_audience_oldest_pending_age_seconds", vip_email), 14);
  EXPECT_FALSE(Value("pinsync_audience_last_sync_timestamp_seconds", vip_email));
  sink_.CompleteAll();
  pipeline_->Pump();
  EXPECT_EQ(Value("pinsync_audience_records_pending", vip_email), 0);
  EXPECT_EQ(Value("pinsync_audience_oldest_pending_age_seconds", vip_email), 0);
  EXPECT_EQ(Value("pinsync_audience_records_synced_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            2);
  EXPECT_EQ(Value("pinsync_audience_last_sync_timestamp_seconds", vip_email),
            static_cast<double>(clock_.WallMillis()) / 1000.0);
}

TEST_F(PipelineAudienceTest, PendingFiguresMoveWithoutAnExplicitRefresh) {
  Make();
  Feed(Event("vip", "add", "ann@example.com"));
  clock_.Advance(2s);  // the periodic refresh is due
  pipeline_->Pump();
  EXPECT_EQ(MetricValue(registry_, "pinsync_audience_records_pending",
                        {{"audience", "vip"}, {"list_type", "EMAIL"}}),
            1);
}

TEST_F(PipelineAudienceTest, OneOutcomeSettlingMergedBatchesCountsEveryRecordOnce) {
  config_.batching.max_records = 2;
  Make();
  Feed(Event("vip", "add", "a1@example.com"));
  Feed(Event("vip", "add", "a2@example.com"));  // full: sealed
  Feed(Event("vip", "remove", "a3@example.com"));
  Feed(Event("vip", "add", "a4@example.com"));  // full: sealed
  pipeline_->Pump();
  ASSERT_EQ(sink_.submitted().size(), 2u);
  sink_.CompleteWith(0, pinterest::DeliveryOutcome{}, {1});
  pipeline_->Pump();
  EXPECT_TRUE(pipeline_->Quiescent());
  EXPECT_EQ(Value("pinsync_audience_records_synced_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            3);
  EXPECT_EQ(Value("pinsync_audience_records_synced_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "remove"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_records_pending", {{"audience", "vip"}}), 0);
}

TEST_F(PipelineAudienceTest, RejectedRecordsAreErroredNotSynced) {
  Make();
  Feed(Event("vip", "add", "ann@example.com"));
  Feed(Event("vip", "add", "bob@example.com"));
  AgeOut();
  pinterest::DeliveryOutcome outcome;
  outcome.rejected = {sink_.submitted()[0].adds[0]};
  outcome.reason = "http_400";
  sink_.CompleteWith(0, outcome);
  pipeline_->Pump();
  EXPECT_EQ(Value("pinsync_audience_records_synced_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_records_errored_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"reason", "rejected"}}),
            1);
}

TEST_F(PipelineAudienceTest, FailedBatchesAreErroredWithTheirReason) {
  Make();
  Feed(Event("vip", "add", "ann@example.com"));
  Feed(Event("vip", "remove", "bob@example.com"));
  Feed(Event("other", "add", "cid@example.com"));
  AgeOut();
  ASSERT_EQ(sink_.submitted().size(), 2u);
  const size_t vip = sink_.submitted()[0].key.audience_id == "vip" ? 0 : 1;
  sink_.Complete(1 - vip, pinterest::DeliveryStatus::kFailed, {}, "http_403");
  sink_.Complete(0, pinterest::DeliveryStatus::kFailed, {}, "retry_exhausted");
  pipeline_->Pump();
  EXPECT_EQ(Value("pinsync_audience_records_errored_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"reason", "retry_exhausted"}}),
            2);
  EXPECT_EQ(Value("pinsync_audience_records_errored_total",
                  {{"audience", "other"}, {"list_type", "EMAIL"}, {"reason", "http_403"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_records_synced_total", {{"audience", "vip"}}), 0);
}

TEST_F(PipelineAudienceTest, AddsRefusedAtTheListCapAreErroredAndDeadLetteredAsListFull) {
  Make();
  Feed(Event("vip", "add", "ann@example.com"));
  Feed(Event("vip", "remove", "bob@example.com"));
  AgeOut();
  pinterest::DeliveryOutcome outcome;
  outcome.refused_list_full = sink_.submitted()[0].adds;
  sink_.CompleteWith(0, outcome);
  pipeline_->Pump();
  EXPECT_EQ(Value("pinsync_audience_records_errored_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"reason", "list_full"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_records_synced_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            0);
  EXPECT_EQ(Value("pinsync_audience_records_synced_total",
                  {{"audience", "vip"}, {"list_type", "EMAIL"}, {"op", "remove"}}),
            1)
      << "removes still go through";
  ASSERT_EQ(dead_letters_.produced().size(), 1u);
  EXPECT_EQ(dead_letters_.produced()[0].reason, "list_full");
  pipeline_->Pump();  // the copy's acknowledgement releases the offsets
  EXPECT_TRUE(pipeline_->Quiescent());
}

TEST_F(PipelineAudienceTest, AudiencesPastTheCapAreFoldedAndNoIdentifierIsALabel) {
  config_.metrics.max_audience_series = 1;
  Make();
  Feed(Event("first", "add", "ann@example.com", kIdfa));
  Feed(Event("second", "add", "bob@example.com"));
  Feed(Event("third", "add", "not-an-email"));
  AgeOut();
  sink_.CompleteAll();
  pipeline_->Pump();
  EXPECT_EQ(Value("pinsync_audience_changes_total",
                  {{"audience", "_other"}, {"list_type", "EMAIL"}, {"op", "add"}}),
            1);
  EXPECT_EQ(Value("pinsync_audience_series_folded", {}), 2);
  for (const std::string& value : LabelValues(registry_, "pinsync_audience_")) {
    EXPECT_EQ(value.find('@'), std::string::npos) << value;
    EXPECT_EQ(value.find("6D92078A"), std::string::npos) << value;
    EXPECT_LT(value.size(), 32u) << "no hash in a label: " << value;
    EXPECT_NE(value, "second");
    EXPECT_NE(value, "third");
  }
}

}  // namespace
}  // namespace pinsync::connector
