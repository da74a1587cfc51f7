#!/usr/bin/env bash
# Quick start #2: install every dependency (test tooling included), build everything, run the whole
# test suite (unit, integration, e2e). CI runs this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --all
scripts/build.sh
cd build
ctest --output-on-failure --no-tests=error -j"$(nproc)" --timeout 600 "$@"
