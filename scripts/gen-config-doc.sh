#!/usr/bin/env bash
# Regenerates docs/configuration.md from the property table in src/config/ (the config_test
# unit test fails until the committed file matches). Builds only the small config_reference
# program, in build-config-doc/ (or $BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-config-doc}
cmake -S . -B "$BUILD_DIR" -DPINSYNC_BENCH=OFF -DPINSYNC_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target config_reference -j2 >/dev/null
"$BUILD_DIR/src/config/config_reference" > docs/configuration.md.tmp
mv docs/configuration.md.tmp docs/configuration.md
echo "wrote docs/configuration.md"
