#pragma once
#include <spdlog/formatter.h>

#include <memory>

namespace pinsync::logging {

// [2026-12-01 02:03:04.123] [info] message audience=a1 batch=7
std::unique_ptr<spdlog::formatter> MakeTextLogFormatter();

}  // namespace pinsync::logging
