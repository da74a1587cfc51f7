#pragma once
// Names the calling thread, so `top -H`, `perf` and /proc/<pid>/task/*/comm tell pinsync's
// threads apart (librdkafka names its own "rdk:*"). Linux keeps at most 15 characters.
#include <pthread.h>

#include <string>

namespace pinsync {

inline void NameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace pinsync
