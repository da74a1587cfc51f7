// One log line per problem: a broker that refuses connections is reported once per failure, not
// by both librdkafka's log callback and the error callback.
//
// How the test counts failures: librdkafka (rd_kafka_broker_set_error) reports each connection
// failure it does not suppress with a distinct text. The first one is plain; a later identical one
// says "N identical error(s) suppressed"; repeats within 30 s are suppressed. So within the few
// seconds a test runs, one failure is one text, and a text seen in two log lines is a failure
// logged twice.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kafka_test_support.h"
#include "pinsync/kafka/dead_letter_producer.h"

namespace pinsync::kafka::testing {
namespace {

struct CapturedLine {
  spdlog::level::level_enum level;
  std::string text;
};

class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<CapturedLine> Lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.push_back({msg.level, std::string(msg.payload.data(), msg.payload.size())});
  }
  void flush_() override {}

 private:
  std::vector<CapturedLine> lines_;
};

// Routes spdlog's default logger into a CaptureSink for the test's lifetime.
class LogCapture {
 public:
  LogCapture()
      : sink_(std::make_shared<CaptureSink>()),
        logger_(std::make_shared<spdlog::logger>("capture", sink_)),
        previous_(spdlog::default_logger()) {
    logger_->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger_);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<CapturedLine> Containing(const std::string& needle) const {
    std::vector<CapturedLine> out;
    for (auto& line : sink_->Lines()) {
      if (line.text.find(needle) != std::string::npos) out.push_back(std::move(line));
    }
    return out;
  }
  std::string All() const {
    std::string out;
    for (const auto& line : sink_->Lines()) {
      out.append(spdlog::level::to_string_view(line.level).data()).append(" ");
      out.append(line.text).append("\n");
    }
    return out;
  }

 private:
  std::shared_ptr<CaptureSink> sink_;
  std::shared_ptr<spdlog::logger> logger_;  // outlives its time as the default
  std::shared_ptr<spdlog::logger> previous_;
};

// A loopback port that refuses connections: bound (so nobody else takes it) but not listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// The librdkafka text of a connection failure, whichever callback logged it: from "Connect to" to
// the parenthesis closing "(after Nms in state CONNECT[, N identical error(s) suppressed])".
std::string FailureText(const std::string& line) {
  const size_t at = line.find("Connect to ");
  if (at == std::string::npos) return line;
  const size_t after = line.find("(after ", at);
  const size_t end = after == std::string::npos ? std::string::npos : line.find(')', after);
  return end == std::string::npos ? line.substr(at) : line.substr(at, end + 1 - at);
}

// Checks that each refused-connection failure has one line, at warning level, and that the
// "all brokers are down" event has one line.
void ExpectOneLinePerFailure(const LogCapture& capture) {
  const std::vector<CapturedLine> refused = capture.Containing("Connection refused");
  ASSERT_FALSE(refused.empty()) << "no connection failure was logged:\n" << capture.All();
  std::map<std::string, int> lines_per_failure;
  for (const auto& line : refused) {
    ++lines_per_failure[FailureText(line.text)];
    EXPECT_EQ(line.level, spdlog::level::warn) << line.text;
  }
  for (const auto& [failure, lines] : lines_per_failure) {
    EXPECT_EQ(lines, 1) << "logged " << lines << " times: " << failure << "\nall lines:\n"
                        << capture.All();
  }
  EXPECT_EQ(capture.Containing("brokers are down").size(), 1u) << capture.All();
}

TEST(KafkaLogLinesTest, ConsumerLogsARefusedBrokerOncePerFailure) {
  RefusingPort port;
  ASSERT_NE(port.port(), 0) << "could not bind a loopback port";
  LogCapture capture;
  {
    config::KafkaConfig c;
    c.bootstrap_servers = port.address();
    c.group_id = "log-lines";
    c.topics = {"events"};
    // Quick reconnects: several failures within the test's few seconds.
    c.properties = {{"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};
    ConsumerOptions options;
    options.close_timeout = 500ms;
    auto source = KafkaMessageSource::Create(c, options);
    ASSERT_TRUE(source.ok()) << source.error().message;
    // Polling serves the error callback; 3 s, well under librdkafka's 30 s suppression window.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto polled = (*source)->Poll(100ms);
      ASSERT_TRUE(polled.ok()) << polled.error().message;
    }
    (*source)->Close();
  }
  ExpectOneLinePerFailure(capture);
}

TEST(KafkaLogLinesTest, ProducerLogsARefusedBrokerOncePerFailure) {
  RefusingPort port;
  ASSERT_NE(port.port(), 0) << "could not bind a loopback port";
  LogCapture capture;
  {
    EventProducerOptions options;
    options.properties = {{"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};
    auto producer = EventProducer::Create(port.address(), options);
    ASSERT_TRUE(producer.ok()) << producer.error().message;
    // Poll() serves librdkafka's error events, which are otherwise logged a second time.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < deadline) {
      (*producer)->Poll();
      std::this_thread::sleep_for(50ms);
    }
  }
  ExpectOneLinePerFailure(capture);
}

// kafka.properties serve the consumer first; the dead-letter producer leaves out the properties
// librdkafka applies only to consumers, so a start-up logs no CONFWARN for them.
TEST(KafkaLogLinesTest, DeadLetterProducerSkipsConsumerOnlyProperties) {
  RefusingPort port;
  LogCapture capture;
  config::KafkaConfig c;
  c.bootstrap_servers = port.address();
  c.dead_letter_topic = "dead-letters";
  c.properties = {{"session.timeout.ms", "6000"},
                  {"heartbeat.interval.ms", "500"},
                  {"fetch.wait.max.ms", "50"},
                  {"socket.timeout.ms", "5000"}};  // a property for every client: kept
  {
    auto producer = KafkaDeadLetterProducer::Create(c);
    ASSERT_TRUE(producer.ok()) << producer.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_TRUE(capture.Containing("CONFWARN").empty()) << capture.All();
  EXPECT_TRUE(capture.Containing("consumer property").empty()) << capture.All();
}

}  // namespace
}  // namespace pinsync::kafka::testing
