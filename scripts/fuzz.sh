#!/usr/bin/env bash
# Builds every libFuzzer target with clang and runs each for $1 seconds (default 60) from its seed
# corpus (tests/fuzz/corpus/<target>/, copied so runs never write into the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
BUILD_DIR=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPINSYNC_FUZZ=ON -DPINSYNC_TESTS=OFF -DPINSYNC_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --target fuzzers -j"$(nproc)"
mapfile -t targets < <(grep -v '^$' "$BUILD_DIR/fuzzers.txt")
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no fuzz targets declared" >&2
  exit 1
fi
for t in "${targets[@]}"; do
  work="$BUILD_DIR/corpus-work/$t"
  rm -rf "$work" && mkdir -p "$work"
  name=${t%_fuzz}
  if [ -d "tests/fuzz/corpus/$name" ]; then cp -r "tests/fuzz/corpus/$name/." "$work/"; fi
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s"
  exe=$(find "$BUILD_DIR" -type f -name "$t" -perm -u+x | head -n1)
  (cd "$BUILD_DIR" && "$OLDPWD/$exe" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
      -artifact_prefix="$OLDPWD/$BUILD_DIR/" "$OLDPWD/$work" 2>&1 | tail -n 15)
done
echo "fuzz: ${#targets[@]} targets ran clean"
