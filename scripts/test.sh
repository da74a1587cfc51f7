#!/usr/bin/env bash
# Quick start #2: install dependencies, build, run the whole test suite (unit, integration, e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
