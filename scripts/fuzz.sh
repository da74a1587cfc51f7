#!/usr/bin/env bash
# Builds every libFuzzer target with clang and runs each for $1 seconds (default 60) from its seed
# corpus (tests/fuzz/corpus/<target>/, copied so runs never write into the repository). Targets run
# $FUZZ_JOBS at a time (default: one per core); each one's summary is printed when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
BUILD_DIR=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPINSYNC_FUZZ=ON -DPINSYNC_TESTS=OFF -DPINSYNC_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --target fuzzers -j"$(nproc)"
mapfile -t targets < <(grep -v '^$' "$BUILD_DIR/fuzzers.txt")
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz: no fuzz targets declared" >&2
  exit 1
fi

# run_target <name>: one target's run; its output goes to $BUILD_DIR/<name>.log.
run_target() {
  local t=$1 work="$BUILD_DIR/corpus-work/$1" name=${1%_fuzz} exe
  rm -rf "$work" && mkdir -p "$work"
  if [ -d "tests/fuzz/corpus/$name" ]; then cp -r "tests/fuzz/corpus/$name/." "$work/"; fi
  exe=$(find "$BUILD_DIR" -type f -name "$t" -perm -u+x | head -n1)
  (cd "$BUILD_DIR" && "$OLDPWD/$exe" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
    -artifact_prefix="$OLDPWD/$BUILD_DIR/" "$OLDPWD/$work") >"$BUILD_DIR/$t.log" 2>&1
}

failed=()
declare -A running=()  # pid -> target
report() {  # report <pid> <exit code>: prints the ended target's summary
  local t=${running[$1]}
  unset "running[$1]"
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s: $([ "$2" -eq 0 ] && echo clean || echo "FAILED (exit $2)")"
  tail -n 15 "$BUILD_DIR/$t.log"
  if [ "$2" -ne 0 ]; then failed+=("$t"); fi
}
for t in "${targets[@]}"; do
  while [ "${#running[@]}" -ge "$FUZZ_JOBS" ]; do
    rc=0
    wait -n -p ended "${!running[@]}" || rc=$?
    report "$ended" "$rc"
  done
  run_target "$t" &
  running[$!]=$t
done
for pid in "${!running[@]}"; do
  rc=0
  wait "$pid" || rc=$?
  report "$pid" "$rc"
done
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) found a crash: ${failed[*]} (inputs in $BUILD_DIR/crash-*)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran clean"
