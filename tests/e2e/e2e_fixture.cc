#include "e2e/e2e_fixture.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <prometheus/registry.h>

#include <filesystem>

#include "pinsync/demo/truth_check.h"
#include "pinsync/kafka/dead_letter_producer.h"

namespace pinsync::e2e {

std::unique_ptr<RunningConnector> RunningConnector::Start(const config::Config& config,
                                                          bool serve_metrics) {
  auto service = service::ConnectorService::Create(config, {.serve_metrics = serve_metrics});
  if (!service.ok()) {
    ADD_FAILURE() << "cannot create the connector: " << service.error().message;
    return nullptr;
  }
  std::unique_ptr<RunningConnector> running(new RunningConnector());
  running->service_ = std::move(*service);
  RunningConnector* self = running.get();
  running->thread_ = std::thread([self] { self->reason_ = self->service_->Run(self->stop_); });
  return running;
}

std::vector<std::unique_ptr<RunningConnector>> RunningConnector::StartTogether(
    const config::Config& config, int count) {
  std::vector<std::unique_ptr<RunningConnector>> members(static_cast<size_t>(count));
  std::vector<std::thread> starters;
  for (size_t i = 0; i < members.size(); ++i) {
    starters.emplace_back([&, i] { members[i] = Start(config); });
  }
  for (auto& t : starters) t.join();
  return members;
}

RunningConnector::~RunningConnector() { Stop(); }

double RunningConnector::MetricSum(const std::string& name) const {
  double sum = 0;
  for (const auto& family : service_->registry()->Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      sum += family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                            : metric.gauge.value;
    }
  }
  return sum;
}

bool RunningConnector::Stop() {
  if (!joined_) {
    stop_ = true;
    thread_.join();
    joined_ = true;
  }
  return reason_ == connector::StopReason::kRequested;
}

std::string EventJson(const std::string& audience_id, const std::string& audience_name,
                      const std::string& op, const std::string& identifiers_json) {
  return fmt::format(R"({{"audience_id":"{}","audience_name":"{}","op":"{}","identifiers":{}}})",
                     audience_id, audience_name, op, identifiers_json);
}

void E2eTest::TearDown() {
  // Keep a failed test's logs for inspection; clean up after a passing one.
  if (!HasFailure()) {
    for (const auto& dir : temp_dirs_) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } else {
    for (const auto& dir : temp_dirs_) std::fprintf(stderr, "e2e: kept %s\n", dir.c_str());
  }
}

void E2eTest::StartWorld(int partitions, sandbox::SandboxOptions sandbox_options) {
  auto cluster = kafka::MockKafkaCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.error().message;
  cluster_ = std::move(*cluster);
  bootstraps_ = cluster_->bootstraps();
  ASSERT_TRUE(cluster_->CreateTopic(kTopic, partitions).ok());
  ASSERT_TRUE(cluster_->CreateTopic(kDeadLetterTopic, 1).ok());
  sandbox_options.track_membership_changes = true;  // for ChangeLedger::ChangedAfterSettled
  auto server = sandbox::SandboxServer::Start(std::move(sandbox_options));
  ASSERT_TRUE(server.ok()) << server.error().message;
  sandbox_ = std::move(*server);
  auto producer = kafka::EventProducer::Create(bootstraps_);
  ASSERT_TRUE(producer.ok()) << producer.error().message;
  producer_ = std::move(*producer);
}

config::Config E2eTest::BaseConfig(const std::string& group) const {
  config::Config cfg;
  cfg.kafka.bootstrap_servers = bootstraps_;
  cfg.kafka.group_id = group;
  cfg.kafka.topics = {kTopic};
  cfg.kafka.dead_letter_topic = kDeadLetterTopic;
  cfg.kafka.commit_interval = 200ms;
  // Quick group membership so rebalances and restarts settle in seconds: the mock coordinator
  // waits session.timeout.ms - 1 s for members in each join round, and a killed member holds
  // its partitions until its session expires.
  cfg.kafka.properties = {{"session.timeout.ms", "3000"},
                          {"heartbeat.interval.ms", "300"},
                          {"fetch.wait.max.ms", "50"},
                          {"topic.metadata.refresh.interval.ms", "1000"}};
  cfg.pinterest.api_base_url = sandbox_->base_url();
  cfg.pinterest.ad_account_id = kAccount;
  cfg.pinterest.access_token = kAccessToken;
  cfg.pinterest.retry_initial_backoff = 20ms;
  cfg.pinterest.retry_max_backoff = 500ms;
  // The handoff delay (session + request timeout + margin, 8.5 s) is how long a member waits
  // before delivering a partition that moved to it, also at start-up.
  cfg.pinterest.request_timeout = 5s;
  cfg.pipeline.handoff_margin = 500ms;
  cfg.batching.max_records = 300;
  cfg.batching.max_age = 500ms;
  cfg.shutdown.timeout = 10s;
  cfg.metrics.listen = "127.0.0.1:0";
  return cfg;
}

void E2eTest::ProduceFrom(demo::MembershipStream& stream, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    auto message = stream.Next();
    if (!message) break;
    auto sent = producer_->Produce(kTopic, message->key, message->value);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
  }
  auto flushed = producer_->Flush(30s);
  ASSERT_TRUE(flushed.ok()) << flushed.error().message;
  ASSERT_EQ(producer_->failed(), 0u);
}

void E2eTest::ProduceRaw(const std::string& key, const std::string& value,
                         std::optional<int32_t> partition) {
  auto sent = producer_->Produce(kTopic, key, value, partition);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  auto flushed = producer_->Flush(30s);
  ASSERT_TRUE(flushed.ok()) << flushed.error().message;
  ASSERT_EQ(producer_->failed(), 0u);
}

void E2eTest::ProduceAll(const std::vector<std::pair<std::string, std::string>>& messages) {
  for (const auto& [key, value] : messages) {
    auto sent = producer_->Produce(kTopic, key, value);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
  }
  auto flushed = producer_->Flush(30s);
  ASSERT_TRUE(flushed.ok()) << flushed.error().message;
  ASSERT_EQ(producer_->failed(), 0u);
}

std::string E2eTest::CommitGap(const std::string& group) const {
  auto committed = kafka::CommittedOffsets(bootstraps_, group, {kTopic}, 5s);
  auto end = kafka::EndOffsets(bootstraps_, {kTopic}, 5s);
  if (!committed.ok()) return "committed offsets unreadable: " + committed.error().message;
  if (!end.ok()) return "end offsets unreadable: " + end.error().message;
  std::string gap;
  for (const auto& [tp, end_offset] : *end) {
    auto it = committed->find(tp);
    const int64_t done = it == committed->end() ? -1 : it->second;
    // Nothing committed is fine for an empty partition.
    if (done == end_offset || (done < 0 && end_offset == 0)) continue;
    gap += fmt::format("{}[{}] committed {} end {}; ", tp.topic, tp.partition, done, end_offset);
  }
  return gap;
}

bool E2eTest::WaitCaughtUp(const std::string& group, std::chrono::seconds timeout,
                           const std::function<void()>& each_round) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (each_round) each_round();
    if (CommitGap(group).empty()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

bool E2eTest::WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                      std::chrono::milliseconds every) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

void E2eTest::ExpectFinalState(const demo::MembershipStream& stream, const std::string& group) {
  const demo::TruthReport report = demo::CheckAgainstTruth(stream, *sandbox_, kAccount);
  for (const auto& problem : report.problems) ADD_FAILURE() << "sandbox vs truth: " << problem;
  EXPECT_TRUE(report.ok()) << demo::FormatTable(report, {});
  // The stream must have exercised something: at least one list with members.
  size_t non_empty = 0;
  for (const auto& list : report.lists) non_empty += list.expected_size > 0 ? 1 : 0;
  EXPECT_GT(non_empty, 0u);
  EXPECT_EQ(CommitGap(group), "") << "committed offsets differ from the end offsets";
}

void E2eTest::ExpectLists(const ExpectedLists& expected, const std::string& group) {
  const auto lists = sandbox_->Lists();
  const auto audiences = sandbox_->Audiences();
  std::map<std::string, const sandbox::ListSnapshot*> by_name;
  for (const auto& list : lists) {
    EXPECT_EQ(list.ad_account_id, kAccount);
    EXPECT_FALSE(by_name.contains(list.name)) << "two lists named " << list.name;
    by_name[list.name] = &list;
  }
  for (const auto& [name, members] : expected) {
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      EXPECT_TRUE(members.empty()) << "list " << name << " was never created";
      continue;
    }
    const std::set<std::string> actual(found->second->members.begin(),
                                       found->second->members.end());
    EXPECT_EQ(actual.size(), members.size()) << "list " << name;
    EXPECT_TRUE(actual == members) << "list " << name << " differs from the expected members";
    int targeting = 0;
    for (const auto& audience : audiences) {
      if (audience.audience_type == "CUSTOMER_LIST" &&
          audience.customer_list_id == found->second->id) {
        ++targeting;
      }
    }
    EXPECT_EQ(targeting, 1) << "CUSTOMER_LIST audiences targeting " << name;
  }
  for (const auto& [name, _] : by_name) {
    EXPECT_TRUE(expected.contains(name)) << "unexpected list " << name;
  }
  EXPECT_EQ(CommitGap(group), "") << "committed offsets differ from the end offsets";
}

void E2eTest::ExpectDeadLetters(const demo::MembershipStream& stream) {
  auto letters = kafka::ReadTopic(bootstraps_, kDeadLetterTopic);
  ASSERT_TRUE(letters.ok()) << letters.error().message;
  std::map<std::string, uint64_t> dead;
  for (const auto& letter : *letters) {
    const std::string* reason = letter.Header(std::string(kafka::kHeaderReason));
    ++dead[reason ? *reason : "?"];
  }
  EXPECT_EQ(dead, stream.expected_dead_letters());
}

std::optional<sandbox::ListSnapshot> E2eTest::FindList(const std::string& name) const {
  for (auto& list : sandbox_->Lists()) {
    if (list.ad_account_id == kAccount && list.name == name) return list;
  }
  return std::nullopt;
}

std::string E2eTest::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pinsync-e2e-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr) << "mkdtemp failed in " << std::filesystem::temp_directory_path();
  temp_dirs_.push_back(pattern);
  return pattern;
}

}  // namespace pinsync::e2e
