#pragma once
// A Confluent Schema Registry stand-in on loopback for the Avro tests: GET /schemas/ids/{id}
// answers the schemas it was given (404 otherwise), and can answer 503 a number of times to play
// a registry that is down. Also a small Avro binary encoder, written from the specification so the
// tests do not produce their inputs with the library under test.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pinsync::decode::testing {

class RegistryStandIn {
 public:
  RegistryStandIn() {
    server_.Get(R"(/schemas/ids/(\d+))", [this](const httplib::Request& req,
                                                httplib::Response& res) {
      ++requests_;
      if (unavailable_for_ > 0) {
        --unavailable_for_;
        res.status = 503;
        return;
      }
      std::lock_guard lock(mu_);
      auto it = schemas_.find(std::stoi(req.matches[1]));
      if (it == schemas_.end()) {
        res.status = 404;
        res.set_content(R"({"error_code":40403,"message":"Schema not found"})", "application/json");
        return;
      }
      std::string escaped;
      for (char ch : it->second) {
        if (ch == '\n') {
          escaped += "\\n";
          continue;
        }
        if (ch == '"' || ch == '\\') escaped += '\\';
        escaped += ch;
      }
      res.set_content(R"({"schema":")" + escaped + R"("})",
                      "application/vnd.schemaregistry.v1+json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    WaitUntilRunning();
  }
  ~RegistryStandIn() { Stop(); }

  // Stops listening (clients get connection refused); Restart listens again on the same port.
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  bool Restart() {
    Stop();
    if (!server_.bind_to_port("127.0.0.1", port_)) return false;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    WaitUntilRunning();
    return true;
  }

  // The socket is bound before the thread starts, so clients queue on it anyway; this only
  // bounds how long a test waits for the accept loop (at most 2 s).
  void WaitUntilRunning() {
    for (int i = 0; i < 200 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void Add(int32_t id, std::string schema_json) {
    std::lock_guard lock(mu_);
    schemas_[id] = std::move(schema_json);
  }
  void UnavailableFor(int requests) { unavailable_for_ = requests; }
  int requests() const { return requests_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::map<int32_t, std::string> schemas_;
  std::atomic<int> unavailable_for_{0};
  std::atomic<int> requests_{0};
};

// Avro binary encoding (Avro 1.11 specification, "Binary Encoding").
class AvroBytes {
 public:
  // The Confluent wire-format header: magic 0 and the big-endian schema id.
  static AvroBytes Confluent(int32_t id) {
    AvroBytes b;
    const auto u = static_cast<uint32_t>(id);
    b.out_ = {'\0', static_cast<char>(u >> 24), static_cast<char>(u >> 16),
              static_cast<char>(u >> 8), static_cast<char>(u)};
    return b;
  }
  AvroBytes& Long(int64_t v) {
    uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);  // zigzag
    do {
      uint8_t byte = z & 0x7f;
      z >>= 7;
      if (z != 0) byte |= 0x80;
      out_ += static_cast<char>(byte);
    } while (z != 0);
    return *this;
  }
  AvroBytes& String(std::string_view s) {
    Long(static_cast<int64_t>(s.size()));
    out_.append(s);
    return *this;
  }
  AvroBytes& Bool(bool b) {
    out_ += b ? '\1' : '\0';
    return *this;
  }
  AvroBytes& Branch(int64_t index) { return Long(index); }
  AvroBytes& Strings(const std::vector<std::string>& items) {
    if (!items.empty()) {
      Long(static_cast<int64_t>(items.size()));
      for (const auto& s : items) String(s);
    }
    return Long(0);  // end of blocks
  }
  AvroBytes& Raw(std::string_view bytes) {
    out_.append(bytes);
    return *this;
  }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

}  // namespace pinsync::decode::testing
