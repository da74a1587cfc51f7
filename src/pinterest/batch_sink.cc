#include "pinsync/pinterest/batch_sink.h"

#include <algorithm>
#include <thread>

namespace pinsync::pinterest {

bool BatchSink::AwaitOutcomes(Duration timeout) {
  std::this_thread::sleep_for(std::min(timeout, kOutcomePollInterval));
  return false;
}

}  // namespace pinsync::pinterest
