#!/usr/bin/env bash
# Configures and builds everything (pinsync, tests, benchmarks) into build/ (or $BUILD_DIR), as CI
# builds it: with the shared configuration of scripts/build-defaults.sh (optimized, unity sources,
# precompiled headers). Extra arguments go to cmake configure after the defaults, so they win
# (-DPINSYNC_TESTS=OFF, -DPINSYNC_UNITY_BUILD=OFF, ...). The defaults are passed every time, so a
# build directory configured by scripts/demo.sh is completed with its tests and benchmarks, reusing
# the libraries the demo compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
# shellcheck source=build-defaults.sh
source scripts/build-defaults.sh
cmake -S . -B "$BUILD_DIR" "${BUILD_DEFAULTS[@]}" -DPINSYNC_TESTS=ON -DPINSYNC_BENCH=ON "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
