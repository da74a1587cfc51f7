#!/usr/bin/env bash
# Quick start #1: install dependencies, build, run the embedded demo (Kafka mock cluster + sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/src/app/pinsync demo "$@"
