#!/usr/bin/env bash
# Builds the benchmarks in Release and runs each; results go to build-bench/results/ and stdout.
# docs/performance.md records the figures from a run of this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=build-bench BUILD_TYPE=Release
scripts/build.sh -DPINSYNC_TESTS=OFF -DPINSYNC_BENCH=ON
mkdir -p build-bench/results
for exe in build-bench/bench/*_bench; do
  name=$(basename "$exe")
  echo "== $name"
  "$exe" --benchmark_counters_tabular=true "$@" | tee "build-bench/results/$name.txt"
done
