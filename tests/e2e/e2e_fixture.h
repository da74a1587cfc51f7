#pragma once
// The end-to-end fixture: a fresh mock Kafka cluster and Pinterest sandbox per test, a producer,
// the connector's configuration for them, bounded waits on the group's commits, and the final
// checks every test ends with (sandbox == ground truth, one audience per list, committed == end).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pinsync/config/config.h"
#include "pinsync/connector/sync_pipeline.h"
#include "pinsync/demo/membership_stream.h"
#include "pinsync/kafka/admin.h"
#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/mock_cluster.h"
#include "pinsync/sandbox/sandbox_server.h"
#include "pinsync/service/connector_service.h"

namespace pinsync::e2e {

using namespace std::chrono_literals;

inline constexpr char kTopic[] = "membership-events";
inline constexpr char kDeadLetterTopic[] = "pinsync-dead-letters";
inline constexpr char kAccount[] = "549755885175";
inline constexpr char kAccessToken[] = "e2e-access-token";

// Expected members (lowercase hex) per list name, for tests that build their own messages.
using ExpectedLists = std::map<std::string, std::set<std::string>>;

// One ConnectorService running on its own thread until Stop().
class RunningConnector {
 public:
  // Null (with a test failure recorded) if the service could not be created.
  // With `serve_metrics` it serves config.metrics.listen (metrics, /readyz, the status page).
  static std::unique_ptr<RunningConnector> Start(const config::Config& config,
                                                 bool serve_metrics = false);
  // `count` members of one group started at the same instant (one thread each), as replicas
  // of a Deployment are; null entries are failures already recorded.
  static std::vector<std::unique_ptr<RunningConnector>> StartTogether(const config::Config& config,
                                                                      int count);
  // The port of the metrics server (0 without serve_metrics).
  uint16_t metrics_port() const { return service_->metrics_port(); }
  ~RunningConnector();

  // Asks for a graceful stop and joins; idempotent. True if Run returned kRequested.
  bool Stop();
  // The sum of a metric's samples in the service's registry (thread-safe: prometheus-cpp
  // collects under its own locks), e.g. pinsync_kafka_assigned_partitions.
  double MetricSum(const std::string& name) const;
  // Valid after Stop().
  const connector::PipelineCounters& counters() const { return service_->counters(); }

 private:
  RunningConnector() = default;
  std::unique_ptr<service::ConnectorService> service_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  connector::StopReason reason_ = connector::StopReason::kRequested;
  bool joined_ = false;
};

class E2eTest : public ::testing::Test {
 protected:
  void TearDown() override;

  // Starts the cluster (3 brokers), the topics and the sandbox. Use with ASSERT_NO_FATAL_FAILURE.
  void StartWorld(int partitions, sandbox::SandboxOptions sandbox_options = {});

  // The connector's configuration for this world: small batches and short windows, quick group
  // timings, small retry backoffs.
  config::Config BaseConfig(const std::string& group) const;

  // Produces up to `count` further messages of the stream and waits until they are stored.
  void ProduceFrom(demo::MembershipStream& stream, size_t count = SIZE_MAX);
  // Produces one message (to `partition`, or by key) and waits until it is stored.
  void ProduceRaw(const std::string& key, const std::string& value,
                  std::optional<int32_t> partition = std::nullopt);
  // Produces (key, value) messages by key and waits until they are all stored.
  void ProduceAll(const std::vector<std::pair<std::string, std::string>>& messages);

  // Committed offset minus end offset per partition of kTopic, as text; empty when caught up.
  std::string CommitGap(const std::string& group) const;
  // Polls every 200 ms until the group's committed offsets equal the end offsets, or `timeout`.
  // While waiting, `each_round` (if set) runs once per poll.
  bool WaitCaughtUp(const std::string& group, std::chrono::seconds timeout,
                    const std::function<void()>& each_round = {}) const;
  // Polls every `every` until `done()` or `timeout`; true if done.
  static bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                      std::chrono::milliseconds every = 100ms);

  // The final checks for a generated stream: every list equals the stream's ground truth, has
  // exactly one CUSTOMER_LIST audience, no other list exists, and committed == end offsets.
  void ExpectFinalState(const demo::MembershipStream& stream, const std::string& group);
  // The same for hand-built expectations.
  void ExpectLists(const ExpectedLists& expected, const std::string& group);

  // The dead-letter count per reason the stream expects vs what the topic holds.
  void ExpectDeadLetters(const demo::MembershipStream& stream);

  // The sandbox list named `name` in kAccount, or nullopt.
  std::optional<sandbox::ListSnapshot> FindList(const std::string& name) const;

  // A fresh temporary directory for this test (config files, logs).
  std::string TempDir();

  std::unique_ptr<kafka::MockKafkaCluster> cluster_;
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
  std::unique_ptr<kafka::EventProducer> producer_;
  std::string bootstraps_;
  std::vector<std::string> temp_dirs_;
};

// The canonical event JSON the tests build by hand.
std::string EventJson(const std::string& audience_id, const std::string& audience_name,
                      const std::string& op, const std::string& identifiers_json);

}  // namespace pinsync::e2e
