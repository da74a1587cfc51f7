#include "pinsync/demo/demo_runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "demo_inputs.h"
#include "pinsync/demo/truth_check.h"
#include "pinsync/kafka/admin.h"
#include "pinsync/kafka/dead_letter_producer.h"
#include "pinsync/kafka/event_producer.h"
#include "pinsync/kafka/mock_cluster.h"
#include "pinsync/sandbox/sandbox_server.h"
#include "pinsync/service/connector_service.h"

namespace pinsync::demo {
namespace {

constexpr const char* kTopic = "membership-events";
constexpr const char* kDeadLetterTopic = "pinsync-dead-letters";
constexpr const char* kGroup = "pinsync-demo";
constexpr const char* kAccount = "549755885175";

void Say(std::FILE* out, const std::string& line) {
  std::fputs(line.c_str(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

// Messages committed by the group and in the topic, summed over partitions.
std::pair<int64_t, int64_t> CommitProgress(const std::string& bootstraps) {
  auto committed = kafka::CommittedOffsets(bootstraps, kGroup, {kTopic});
  auto end = kafka::EndOffsets(bootstraps, {kTopic});
  if (!committed.ok() || !end.ok()) return {-1, -1};
  int64_t done = 0, total = 0;
  for (const auto& [tp, offset] : *end) {
    total += offset;
    auto it = committed->find(tp);
    if (it != committed->end() && it->second > 0) done += it->second;
  }
  return {done, total};
}

}  // namespace

int RunDemo(const DemoOptions& options, std::FILE* out) {
  const auto started = std::chrono::steady_clock::now();
  auto cluster = kafka::MockKafkaCluster::Start(3);
  if (!cluster.ok()) {
    Say(out, "demo: cannot start the embedded Kafka cluster: " + cluster.error().message);
    return 1;
  }
  const std::string bootstraps = (*cluster)->bootstraps();
  for (auto [topic, partitions] : {std::pair{kTopic, options.partitions}, {kDeadLetterTopic, 1}}) {
    if (auto created = (*cluster)->CreateTopic(topic, partitions); !created.ok()) {
      Say(out, "demo: cannot create topic " + std::string(topic) + ": " + created.error().message);
      return 1;
    }
  }
  auto server = sandbox::SandboxServer::Start({});
  if (!server.ok()) {
    Say(out, "demo: cannot start the Pinterest sandbox: " + server.error().message);
    return 1;
  }
  Say(out, fmt::format("demo: Kafka (mock cluster) at {}, Pinterest sandbox at {}", bootstraps,
                       (*server)->base_url()));
  auto input = PrepareInput(options.stream.format, kTopic);
  if (!input.ok()) {
    Say(out, "demo: cannot prepare the " + std::string(ToString(options.stream.format)) +
                 " input: " + input.error().message);
    return 1;
  }
  if (input->registry) {
    Say(out, fmt::format("demo: schema registry at {}, the events' schema has id {}",
                         input->registry->url(), input->schema_id));
  }

  StreamOptions stream_options = options.stream;
  stream_options.avro_schema_id = input->schema_id;
  MembershipStream stream(stream_options);
  {
    auto producer = kafka::EventProducer::Create(bootstraps);
    if (!producer.ok()) {
      Say(out, "demo: cannot create the producer: " + producer.error().message);
      return 1;
    }
    while (auto message = stream.Next()) {
      if (auto sent = (*producer)->Produce(kTopic, message->key, message->value); !sent.ok()) {
        Say(out, "demo: produce failed: " + sent.error().message);
        return 1;
      }
    }
    if (auto flushed = (*producer)->Flush(std::chrono::seconds(30)); !flushed.ok()) {
      Say(out, "demo: producer flush failed: " + flushed.error().message);
      return 1;
    }
  }
  Say(out,
      fmt::format("demo: published {} membership events ({}) for {} audiences across {} "
                  "partitions ({} malformed on purpose, {} to be skipped)",
                  stream.produced(), ToString(options.stream.format), stream.audiences().size(),
                  options.partitions, stream.malformed(), stream.expected_skips()));

  config::Config cfg;
  cfg.kafka.bootstrap_servers = bootstraps;
  cfg.kafka.group_id = kGroup;
  ConfigureInput(*input, kTopic, cfg);
  cfg.kafka.dead_letter_topic = kDeadLetterTopic;
  cfg.kafka.commit_interval = std::chrono::milliseconds(500);
  cfg.pinterest.api_base_url = (*server)->base_url();
  cfg.pinterest.ad_account_id = kAccount;
  cfg.pinterest.access_token = "demo-access-token";
  cfg.pinterest.retry_initial_backoff = std::chrono::milliseconds(50);
  cfg.pinterest.retry_max_backoff = std::chrono::milliseconds(1000);
  cfg.batching.max_records = options.max_records;
  cfg.batching.max_age = options.max_age;
  cfg.shutdown.timeout = std::chrono::seconds(10);
  // A member delivers a partition that moved to it only after the handoff delay (session
  // timeout + request timeout + margin; docs/pinterest.md, "Ordering across owners"): short
  // timings keep that to a few seconds here, where no previous owner exists.
  cfg.kafka.properties["session.timeout.ms"] = "3000";
  cfg.kafka.properties["heartbeat.interval.ms"] = "500";
  cfg.pinterest.request_timeout = std::chrono::seconds(3);
  cfg.pipeline.handoff_margin = std::chrono::milliseconds(500);
  cfg.metrics.listen = options.status_listen;
  auto service = service::ConnectorService::Create(cfg, {.serve_metrics = true});
  if (!service.ok()) {
    Say(out, "demo: cannot start the connector: " + service.error().message);
    return 1;
  }
  const std::string status_url = fmt::format("http://127.0.0.1:{}/", (*service)->metrics_port());
  Say(out, fmt::format("demo: status page: {} (and {}status.json, {}metrics)", status_url,
                       status_url, status_url));
  // The verdict's exit code, after holding the status page open if --hold asked for it.
  auto finish = [&](int code) {
    if (options.hold_until != nullptr) {
      Say(out, fmt::format("demo: --hold: the status page stays at {} until Ctrl-C", status_url));
      while (!options.hold_until->load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
    return code;
  };
  Say(out, fmt::format("demo: the connector starts; delivery begins once the partitions' "
                       "handoff delay ({:.1f} s) has passed",
                       std::chrono::duration<double>(cfg.PartitionHandoffDelay()).count()));
  std::atomic<bool> stop{false};
  std::thread runner([&] { (*service)->Run(stop); });

  bool caught_up = false;
  int64_t last_done = -1;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto [done, total] = CommitProgress(bootstraps);
    if (options.progress && done != last_done && done >= 0) {
      Say(out, fmt::format("demo: {:>7} of {} offsets committed (acknowledged by Pinterest)", done,
                           total));
      last_done = done;
    }
    if (total > 0 && done == total) {
      caught_up = true;
      break;
    }
  }
  stop = true;
  runner.join();
  const auto counters = (*service)->counters();
  if (!caught_up) {
    Say(out, fmt::format("demo: FAILED: not every offset was committed within {} s",
                         options.timeout.count()));
    return finish(1);
  }

  // Dead letters: one per malformed message, with the expected reason.
  std::map<std::string, uint64_t> dead;
  auto letters = kafka::ReadTopic(bootstraps, kDeadLetterTopic);
  if (!letters.ok()) {
    Say(out, "demo: cannot read the dead-letter topic: " + letters.error().message);
    return finish(1);
  }
  for (const auto& letter : *letters) {
    const std::string* reason = letter.Header(std::string(kafka::kHeaderReason));
    ++dead[reason ? *reason : "?"];
  }

  TruthReport report = CheckAgainstTruth(stream, **server, kAccount);
  if (dead != stream.expected_dead_letters()) {
    report.problems.push_back(fmt::format("dead letters: {} in the topic, {} expected",
                                          letters->size(), stream.malformed()));
  }
  Say(out, "");
  Say(out, FormatTable(report, dead));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Say(out, fmt::format("demo: {} batches delivered, {} requests to Pinterest, {:.1f} s",
                       counters.batches_acknowledged, (*server)->Requests().total, seconds));
  if (!report.ok()) {
    for (const auto& problem : report.problems) Say(out, "demo: MISMATCH: " + problem);
    Say(out, "demo: FAILED: the sandbox does not match the ground truth");
    return finish(1);
  }
  Say(out,
      "demo: OK: every list in the sandbox equals the net membership of the stream, every "
      "malformed message was dead-lettered, and every offset was committed");
  return finish(0);
}

}  // namespace pinsync::demo
