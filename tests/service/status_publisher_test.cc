// StatusPublisher: the snapshot the status page, /status.json and /readyz show, assembled from
// the pipeline, the sink's view of Pinterest, the registry's process metrics and the config.

#include "pinsync/service/status_publisher.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "connector/fake_batch_sink.h"
#include "pinsync/pinterest/pinterest_stats.h"

namespace pinsync::service {
namespace {

using namespace std::chrono_literals;

class StatusPublisherTest : public ::testing::Test {
 protected:
  StatusPublisherTest() {
    config_.pinterest.ad_account_id = "123";
    config_.batching.max_age = 10s;
    pipeline_ = std::make_unique<connector::SyncPipeline>(config_, clock_, sink_, nullptr);
    publisher_ = std::make_unique<StatusPublisher>(config_, clock_, *pipeline_, sink_, registry_,
                                                   board_, 1'700'000'000.0);
  }
  metrics::Readiness Readiness() {
    publisher_->Publish();
    return board_.CurrentReadiness();
  }

  config::Config config_;
  ManualClock clock_;
  connector::testing::FakeBatchSink sink_{/*auto_ack=*/true};
  prometheus::Registry registry_;
  pinterest::PinterestStats stats_ = pinterest::PinterestStats::Create(registry_);
  metrics::StatusBoard board_;
  std::unique_ptr<connector::SyncPipeline> pipeline_;
  std::unique_ptr<StatusPublisher> publisher_;
};

TEST_F(StatusPublisherTest, ReadyOnceJoinedAndPinterestAnswered2xxUntilEveryAccountIsHeld) {
  EXPECT_NE(Readiness().reason.find("consumer group"), std::string::npos);
  pipeline_->Assign({{"events", 0}});
  EXPECT_NE(Readiness().reason.find("credentials"), std::string::npos);
  stats_.Request("update", "4xx").Increment();
  EXPECT_FALSE(Readiness().ready);
  stats_.Request("update", "2xx").Increment();
  EXPECT_TRUE(Readiness().ready);
  stats_.Blocked("123").Set(1);
  EXPECT_NE(Readiness().reason.find("every ad account"), std::string::npos);
  EXPECT_EQ(board_.Latest()->token_state, "refused (every ad account held)");
}

TEST_F(StatusPublisherTest, ARebalanceWithNoPartitionsStillCountsAsJoined) {
  EXPECT_FALSE(publisher_->Assemble().joined);
  prometheus::BuildCounter()
      .Name("pinsync_kafka_rebalances_total")
      .Help("rebalance callbacks")
      .Register(registry_)
      .Add({})
      .Increment();
  const metrics::StatusSnapshot s = publisher_->Assemble();
  EXPECT_TRUE(s.joined) << "a member beyond the partition count joins with none";
  EXPECT_EQ(s.assigned_partitions, 0u);
}

TEST_F(StatusPublisherTest, RowsJoinPipelineFiguresWithPinterestsView) {
  pipeline_->Assign({{"events", 0}});
  pipeline_->OnMessage(kafka::ConsumedMessage(
      {"events", 0}, 0, "u",
      R"({"audience_id":"vip","op":"add","identifiers":{"email":"ann@example.com"}})"));
  pinterest::ListView view;
  view.key = {"123", "vip", ListType::kEmail};
  view.list_id = "2542620615";
  view.list_status = "TOO_SMALL";
  view.audience_size = 40;
  pinterest::ListView only_on_pinterest;
  only_on_pinterest.key = {"123", "old", ListType::kMaid};
  only_on_pinterest.list_id = "77";
  sink_.views = {view, only_on_pinterest};
  clock_.Advance(3s);

  const metrics::StatusSnapshot s = publisher_->Assemble();
  ASSERT_EQ(s.lists.size(), 2u);
  const auto& vip = s.lists[0];
  EXPECT_EQ(vip.audience, "vip");
  EXPECT_EQ(vip.list_type, "EMAIL");
  EXPECT_EQ(vip.ad_account_id, "123");
  EXPECT_EQ(vip.changes_added, 1u);
  EXPECT_EQ(vip.pending, 1u);
  EXPECT_DOUBLE_EQ(vip.oldest_pending_age_seconds, 3);
  EXPECT_EQ(vip.list_id, "2542620615");
  EXPECT_EQ(vip.list_status, "TOO_SMALL");
  EXPECT_EQ(vip.audience_size, 40);
  EXPECT_EQ(s.lists[1].audience, "old");
  EXPECT_EQ(s.lists[1].list_type, "MAID");
  EXPECT_EQ(s.lists[1].list_id, "77");
  EXPECT_TRUE(s.joined);
  EXPECT_EQ(s.assigned_partitions, 1u);
  ASSERT_EQ(s.accounts.size(), 1u);
  EXPECT_EQ(s.accounts[0].budget_requests_per_minute, config_.pinterest.requests_per_minute);
}

}  // namespace
}  // namespace pinsync::service
