#pragma once
// Counts the requests the sandbox answered, per operation and per status, so tests can check
// how a client behaved (retries, refreshes, calls per list).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace pinsync::sandbox {

struct RequestCounts {
  std::map<std::string, int64_t> by_operation;  // contract operationId, or "unrouted"
  std::map<std::string, int64_t> by_status;     // "200", "429", ... and "dropped"
  int64_t total = 0;
};

class RequestCounter {
 public:
  void Count(std::string_view operation, std::string_view status);
  RequestCounts Snapshot() const;
  void Reset();

 private:
  mutable std::mutex mutex_;
  RequestCounts counts_;
};

}  // namespace pinsync::sandbox
