#!/usr/bin/env bash
# Configures and builds everything (pinsync, tests, benchmarks) into build/ (or $BUILD_DIR). Extra
# arguments go to cmake configure after the defaults, so they win (-DPINSYNC_TESTS=OFF, ...).
# The defaults are passed every time, so a build directory configured differently before (by
# scripts/demo.sh or scripts/bench.sh) is built as CI builds it again: with its tests and
# benchmarks, each source file compiled on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
  -DPINSYNC_TESTS=ON -DPINSYNC_BENCH=ON -DPINSYNC_PCH=OFF -DPINSYNC_UNITY_BUILD=OFF "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
