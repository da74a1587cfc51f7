// The two flush triggers of a customer list's batch, seen from Pinterest's side: the size trigger
// sends exactly max_records per batch before any age could fire; the age trigger sends a handful
// of changes as one batch once the oldest is max_age old, and not before.
#include <fmt/format.h>

#include "e2e/e2e_fixture.h"
#include "pinsync/demo/membership_stream.h"

namespace pinsync::e2e {
namespace {

std::string EmailIdentifiers(const std::string& email) {
  return fmt::format(R"({{"email":["{}"]}})", email);
}

TEST_F(E2eTest, SizeTriggerSendsOneRequestPerFullBatch) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(4));
  constexpr size_t kMaxRecords = 50;
  constexpr size_t kBatches = 4;
  const std::string group = "e2e-size-trigger";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = kMaxRecords;
  cfg.batching.max_age = std::chrono::hours(1);  // only the size trigger can fire in this test

  std::set<std::string> expected;
  std::vector<std::pair<std::string, std::string>> messages;
  for (size_t i = 0; i < kMaxRecords * kBatches; ++i) {
    const std::string email = fmt::format("size{}@example.com", i);
    expected.insert(demo::Sha256Hex(email));
    messages.emplace_back(fmt::format("u-{}", i),
                          EventJson("vip", "VIP", "add", EmailIdentifiers(email)));
  }
  ASSERT_NO_FATAL_FAILURE(ProduceAll(messages));
  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);
  EXPECT_TRUE(WaitCaughtUp(group, 60s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());

  auto list = FindList("VIP-EMAIL");
  ASSERT_TRUE(list.has_value());
  // The aggregator cut exactly kBatches full batches. Delivery merges batches of a list that
  // wait for their turn (here the handoff delay after start-up, then the list's creation), so
  // Pinterest may see fewer, larger requests, never more.
  EXPECT_EQ(connector->counters().batches_submitted, kBatches);
  EXPECT_LE(list->num_batches, static_cast<int64_t>(kBatches));
  EXPECT_EQ(list->num_uploaded_user_records, static_cast<int64_t>(kMaxRecords * kBatches));
  const auto requests = sandbox_->Requests().by_operation;
  // The first batch creates the list with its records; each later one is at most one ADD.
  EXPECT_EQ(requests.count("customer_lists/create") ? requests.at("customer_lists/create") : 0, 1);
  EXPECT_LE(requests.count("customer_lists/update") ? requests.at("customer_lists/update") : 0,
            static_cast<int64_t>(kBatches - 1));
  EXPECT_EQ(connector->counters().batches_acknowledged, kBatches);
  ExpectLists({{"VIP-EMAIL", expected}}, group);
}

TEST_F(E2eTest, AgeTriggerSendsAHandfulAsOneBatchAfterMaxAge) {
  ASSERT_NO_FATAL_FAILURE(StartWorld(4));
  constexpr auto kMaxAge = std::chrono::milliseconds(300);
  const std::string group = "e2e-age-trigger";
  config::Config cfg = BaseConfig(group);
  cfg.batching.max_records = 1'000'000;  // only the age trigger can fire in this test
  cfg.batching.max_age = kMaxAge;
  auto connector = RunningConnector::Start(cfg);
  ASSERT_NE(connector, nullptr);

  // Warm-up: once this list exists the connector has joined and is consuming.
  const std::string warm_email = "warmup@example.com";
  ASSERT_NO_FATAL_FAILURE(
      ProduceRaw("u-warm", EventJson("trial", "Trial", "add", EmailIdentifiers(warm_email))));
  ASSERT_TRUE(WaitFor([&] { return FindList("Trial-EMAIL").has_value(); }, 60s));

  std::set<std::string> expected;
  std::vector<std::pair<std::string, std::string>> messages;
  for (int i = 0; i < 5; ++i) {
    const std::string email = fmt::format("age{}@example.com", i);
    expected.insert(demo::Sha256Hex(email));
    messages.emplace_back(fmt::format("u-{}", i),
                          EventJson("vip", "VIP", "add", EmailIdentifiers(email)));
  }
  const auto produced_at = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(ProduceAll(messages));
  // Not before max_age: checked while max_age has certainly not passed since the first produce.
  const auto checked_at = std::chrono::steady_clock::now();
  const bool exists_early = FindList("VIP-EMAIL").has_value();
  if (checked_at - produced_at < kMaxAge) {
    EXPECT_FALSE(exists_early) << "the batch was sent before max_age";
  }
  // Ends as soon as the list appears (polled finely: the measured time is the assertion).
  ASSERT_TRUE(WaitFor([&] { return FindList("VIP-EMAIL").has_value(); }, 30s, 25ms));
  const auto appeared_after = std::chrono::steady_clock::now() - produced_at;
  EXPECT_GE(appeared_after, kMaxAge);

  EXPECT_TRUE(WaitCaughtUp(group, 30s)) << CommitGap(group);
  EXPECT_TRUE(connector->Stop());
  auto list = FindList("VIP-EMAIL");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->num_batches, 1);  // the five changes went as one batch
  EXPECT_EQ(list->num_uploaded_user_records, 5);
  ExpectLists({{"VIP-EMAIL", expected}, {"Trial-EMAIL", {demo::Sha256Hex(warm_email)}}}, group);
}

}  // namespace
}  // namespace pinsync::e2e
