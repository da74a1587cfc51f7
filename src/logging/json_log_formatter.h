#pragma once
#include <spdlog/formatter.h>

#include <memory>

namespace pinsync::logging {

// {"time":"2026-12-01T02:03:04.123456Z","level":"info","message":"...","audience":"..."}
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace pinsync::logging
