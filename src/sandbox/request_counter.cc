#include "pinsync/sandbox/request_counter.h"

namespace pinsync::sandbox {

void RequestCounter::Count(std::string_view operation, std::string_view status) {
  std::lock_guard lock(mutex_);
  ++counts_.by_operation[std::string(operation)];
  ++counts_.by_status[std::string(status)];
  ++counts_.total;
}

RequestCounts RequestCounter::Snapshot() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void RequestCounter::Reset() {
  std::lock_guard lock(mutex_);
  counts_ = RequestCounts{};
}

}  // namespace pinsync::sandbox
