#!/usr/bin/env bash
# Builds the tests with AddressSanitizer + UndefinedBehaviorSanitizer (Debug, otherwise the shared
# configuration of scripts/build-defaults.sh) and runs the unit and integration tiers. Any
# sanitizer report fails the run. ASAN_LABELS (tiers separated by |, e.g. "e2e") picks others;
# only the programs of those tiers are built.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=build-asan BUILD_TYPE=Debug
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
labels=${ASAN_LABELS:-unit|integration}
scripts/build.sh -DPINSYNC_SANITIZE=ON -DPINSYNC_BENCH=OFF "-DPINSYNC_TEST_TIERS=${labels//|/;}"
cd build-asan
# Two per core: instrumented tests use more CPU than scripts/test.sh's, but still mostly wait.
ctest --output-on-failure --no-tests=error -j"$(($(nproc) * 2))" -L "$labels" --timeout 600
