// Building librdkafka clients the same way everywhere: logs to spdlog, one line per problem,
// properties checked one by one so an error names the key the user wrote.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <utility>

#include "rdkafka_handles.h"

namespace pinsync::kafka::internal {
namespace {

// librdkafka reports a broker failure (connection refused, disconnected, TLS or SASL failure)
// twice: as a log line of facility FAIL and as an error event with the same text
// (rd_kafka_broker_set_error does both). Both are already rate-limited by librdkafka: a repeat of
// the same failure within 30 s is suppressed and the next line says how many were. The log line is
// the one kept: it comes at once, from the broker thread, at the level librdkafka chose. It is
// remembered here so the error callbacks, served later by the polling thread, can skip the event
// that repeats it.
class LoggedFailures {
 public:
  void Add(const rd_kafka_t* rk, std::string_view line) {
    std::lock_guard<std::mutex> lock(mu_);
    if (lines_.size() == kCapacity) lines_.pop_front();  // a client that never polls
    lines_.emplace_back(rk, std::string(line));
  }

  // True, once, when `reason` is the text of a line logged for the same client. librdkafka 2.0
  // prefixes the log line with "[thrd:<name>]: ", the event's text has no prefix.
  bool Take(const rd_kafka_t* rk, std::string_view reason) {
    if (reason.empty()) return false;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = lines_.begin(); it != lines_.end(); ++it) {
      const std::string& line = it->second;
      if (it->first != rk || line.size() < reason.size()) continue;
      const size_t prefix = line.size() - reason.size();
      if (line.compare(prefix, reason.size(), reason) != 0) continue;
      if (prefix != 0 && (prefix < 2 || line.compare(prefix - 2, 2, ": ") != 0)) continue;
      lines_.erase(it);
      return true;
    }
    return false;
  }

 private:
  static constexpr size_t kCapacity = 64;
  std::mutex mu_;
  std::deque<std::pair<const rd_kafka_t*, std::string>> lines_;
};

LoggedFailures& Failures() {
  static LoggedFailures* failures = new LoggedFailures();  // outlives librdkafka's threads
  return *failures;
}

void LogToSpdlog(const rd_kafka_t* rk, int level, const char* facility, const char* line) {
  // syslog levels: 0-3 error, 4 warning, 5-6 notice/info, 7 debug.
  const char* name = rk ? rd_kafka_name(rk) : "rdkafka";
  if (std::strcmp(facility, "FAIL") == 0 && level < 7) {
    // A broker connection failed. librdkafka reconnects by itself (backing off up to
    // reconnect.backoff.max.ms), so it is a warning, not an error, however librdkafka rates it.
    if (rk != nullptr) Failures().Add(rk, line);
    if (level <= 4) {
      spdlog::warn("librdkafka {} {}: {}; librdkafka reconnects by itself", name, facility, line);
    } else {
      spdlog::info("librdkafka {} {}: {}", name, facility, line);
    }
    return;
  }
  if (level <= 3) {
    spdlog::error("librdkafka {} {}: {}", name, facility, line);
  } else if (level == 4) {
    spdlog::warn("librdkafka {} {}: {}", name, facility, line);
  } else if (level <= 6) {
    spdlog::info("librdkafka {} {}: {}", name, facility, line);
  } else {
    spdlog::debug("librdkafka {} {}: {}", name, facility, line);
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The error callback of clients that do not set their own (producers, admin readers). Without one,
// librdkafka logs every error event itself, repeating each broker failure it has just logged.
void LogClientError(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
  if (AlreadyLogged(rk, reason)) return;
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    spdlog::error("librdkafka {}: {} ({})", rd_kafka_name(rk), reason, rd_kafka_err2name(code));
    return;
  }
  spdlog::warn("librdkafka {}: {} ({}); librdkafka retries by itself", rd_kafka_name(rk), reason,
               rd_kafka_err2name(code));
}

}  // namespace

ConfPtr NewConf() {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &LogToSpdlog);
  rd_kafka_conf_set_error_cb(conf.get(), &LogClientError);
  return conf;
}

bool AlreadyLogged(const rd_kafka_t* rk, std::string_view reason) {
  return rk != nullptr && Failures().Take(rk, reason);
}

bool IsSecretProperty(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kMarkers = {
      "password", "secret", "token", "jaas", "key.pem", "oauthbearer.config"};
  const std::string lower = Lower(name);
  return std::any_of(kMarkers.begin(), kMarkers.end(), [&](std::string_view marker) {
    return lower.find(marker) != std::string::npos;
  });
}

Status<KafkaError> SetProperty(rd_kafka_conf_t* conf, const std::string& name,
                               const std::string& value, std::string_view origin) {
  char errstr[512] = {0};
  const rd_kafka_conf_res_t res =
      rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr);
  if (res == RD_KAFKA_CONF_OK) return Ok{};
  std::string detail = errstr;
  if (IsSecretProperty(name) && !value.empty()) {
    // librdkafka may quote the value in its message; a secret must not reach a log.
    for (size_t pos = detail.find(value); pos != std::string::npos; pos = detail.find(value)) {
      detail.replace(pos, value.size(), "<redacted>");
    }
  }
  std::string what = res == RD_KAFKA_CONF_UNKNOWN ? "is not a librdkafka property"
                                                  : "has a value librdkafka rejects";
  return Unexpected{
      KafkaError{KafkaErrorCode::kInvalidConfig,
                 fmt::format("{} {} ({}); fix or remove it (see librdkafka's CONFIGURATION.md)",
                             origin, what, detail),
                 0}};
}

Status<KafkaError> SetProperties(rd_kafka_conf_t* conf,
                                 const std::map<std::string, std::string>& properties,
                                 std::string_view origin_prefix) {
  for (const auto& [name, value] : properties) {
    auto status = SetProperty(conf, name, value, fmt::format("{}{}", origin_prefix, name));
    if (!status) return status;
  }
  return Ok{};
}

std::map<std::string, std::string> ProducerProperties(
    const std::map<std::string, std::string>& properties) {
  static const std::set<std::string_view> kConsumerOnly = {"session.timeout.ms",
                                                           "heartbeat.interval.ms",
                                                           "max.poll.interval.ms",
                                                           "group.id",
                                                           "group.instance.id",
                                                           "partition.assignment.strategy",
                                                           "enable.auto.commit",
                                                           "auto.commit.interval.ms",
                                                           "enable.auto.offset.store",
                                                           "auto.offset.reset",
                                                           "fetch.wait.max.ms",
                                                           "fetch.min.bytes",
                                                           "fetch.max.bytes",
                                                           "fetch.error.backoff.ms",
                                                           "queued.min.messages",
                                                           "isolation.level",
                                                           "enable.partition.eof",
                                                           "check.crcs",
                                                           "coordinator.query.interval.ms",
                                                           "queued.max.messages.kbytes"};
  std::map<std::string, std::string> kept;
  for (const auto& [name, value] : properties) {
    if (!kConsumerOnly.contains(name)) kept.emplace(name, value);
  }
  return kept;
}

Result<KafkaPtr, KafkaError> NewClient(rd_kafka_type_t type, ConfPtr conf, std::string_view what) {
  char errstr[512] = {0};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) {
    return Unexpected{KafkaError{
        KafkaErrorCode::kCreateFailed,
        fmt::format("could not create the Kafka {}: {}; check kafka.bootstrap_servers and the "
                    "SSL/SASL settings in kafka.properties",
                    what, errstr),
        0}};
  }
  (void)conf.release();  // rd_kafka_new took ownership
  return KafkaPtr(rk);
}

PartitionListPtr ToPartitionList(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  return list;
}

std::vector<TopicPartition> FromPartitionList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back(TopicPartition{list->elems[i].topic, list->elems[i].partition});
  }
  return out;
}

Result<std::vector<TopicPartition>, KafkaError> ListPartitions(
    rd_kafka_t* rk, const std::vector<std::string>& topics, int timeout_ms) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &raw, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Unexpected{FromRdKafka(KafkaErrorCode::kTimeout, err, "listing topic partitions",
                                  "check that the brokers are reachable")};
  }
  MetadataPtr metadata(raw);
  std::vector<TopicPartition> out;
  for (const auto& topic : topics) {
    bool found = false;
    for (int t = 0; t < metadata->topic_cnt; ++t) {
      const rd_kafka_metadata_topic_t& mt = metadata->topics[t];
      if (topic != mt.topic || mt.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      found = true;
      for (int p = 0; p < mt.partition_cnt; ++p) {
        out.push_back(TopicPartition{topic, mt.partitions[p].id});
      }
    }
    if (!found) {
      return Unexpected{KafkaError{
          KafkaErrorCode::kUnknownTopic,
          fmt::format("topic '{}' does not exist on the cluster; create it or fix the name", topic),
          RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART}};
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

rd_kafka_resp_err_t Produce(rd_kafka_t* rk, const ProduceRequest& request) {
  std::array<rd_kafka_vu_t, 7> vus{};
  size_t n = 0;
  vus[n].vtype = RD_KAFKA_VTYPE_TOPIC;
  vus[n++].u.cstr = request.topic;
  vus[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[n++].u.i32 = request.partition;
  if (!request.key.empty()) {
    vus[n].vtype = RD_KAFKA_VTYPE_KEY;
    vus[n].u.mem.ptr = const_cast<char*>(request.key.data());  // copied (F_COPY)
    vus[n++].u.mem.size = request.key.size();
  }
  vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vus[n].u.mem.ptr = request.value.empty() ? nullptr : const_cast<char*>(request.value.data());
  vus[n++].u.mem.size = request.value.size();
  vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vus[n++].u.i = RD_KAFKA_MSG_F_COPY;
  if (request.headers != nullptr) {
    vus[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vus[n++].u.headers = request.headers;
  }
  vus[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vus[n++].u.ptr = request.opaque;
  rd_kafka_error_t* error = rd_kafka_produceva(rk, vus.data(), n);
  if (error == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  return code;
}

KafkaError FromRdKafka(KafkaErrorCode code, rd_kafka_resp_err_t err, std::string_view context,
                       std::string_view advice) {
  return KafkaError{code,
                    fmt::format("{} failed: {} ({}); {}", context, rd_kafka_err2str(err),
                                rd_kafka_err2name(err), advice),
                    static_cast<int32_t>(err)};
}

}  // namespace pinsync::kafka::internal
