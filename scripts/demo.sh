#!/usr/bin/env bash
# Quick start #1: install what building and running pinsync needs, build the pinsync binary (only
# it: the tests, benchmarks and their tools are scripts/test.sh's), then run the embedded demo
# (Kafka mock cluster + Pinterest sandbox). Arguments go to `pinsync demo` (see its --help), e.g.
# --format segment or --format avro to publish the events as Segment calls or Avro records.
#
# While it prepares, it prints one line per step; the steps' own output goes to
# $BUILD_DIR/demo-setup.log, and when a step fails its last lines are printed.
# Environment: BUILD_DIR (default build), BUILD_TYPE (CMAKE_BUILD_TYPE; default Release at -O2 for
# a new build directory, unchanged for one configured before).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
LOG=$BUILD_DIR/demo-setup.log
TAIL_LINES=30

mkdir -p "$BUILD_DIR"
: >"$LOG"
started=$SECONDS
tty=false
if [ -t 1 ]; then tty=true; fi
ticker=""

stop_ticker() {
  if [ -n "$ticker" ]; then
    kill "$ticker" 2>/dev/null || true
    wait "$ticker" 2>/dev/null || true
    ticker=""
  fi
}
trap stop_ticker EXIT
trap 'stop_ticker; echo; exit 130' INT TERM

# On a terminal, keeps rewriting the step's line: elapsed time and the build's own percentage.
tick() {
  local what=$1 t0=$2 progress
  while kill -0 "$$" 2>/dev/null; do
    progress=$(grep -o '^\[ *[0-9]*%\]' "$LOG" | tail -n 1 | tr -d '[] ' || true)
    printf '\rdemo: %s ... %ss%s\033[K' "$what" $((SECONDS - t0)) "${progress:+, $progress}"
    sleep 1
  done
}

# step [--quiet] <what> <command...>: runs the command with its output in the log; says so in one
# line. --quiet: no ticker (sudo may ask for a password on the terminal).
step() {
  local live=$tty
  if [ "$1" = --quiet ]; then
    live=false
    shift
  fi
  local what=$1
  shift
  local t0=$SECONDS rc=0
  printf '\n=== %s\n$ %s\n' "$what" "$*" >>"$LOG"
  if $live; then
    tick "$what" "$t0" &
    ticker=$!
  else
    printf 'demo: %s ... ' "$what"
  fi
  "$@" >>"$LOG" 2>&1 || rc=$?
  if $live; then
    stop_ticker
    printf '\r\033[Kdemo: %s ... ' "$what"
  fi
  if [ "$rc" -ne 0 ]; then
    printf 'failed (exit %s)\n' "$rc"
    echo "demo: the last $TAIL_LINES lines of $LOG:" >&2
    tail -n "$TAIL_LINES" "$LOG" | sed 's/^/  | /' >&2
    echo "demo: the whole output is in $LOG" >&2
    exit "$rc"
  fi
  printf 'done (%ss)\n' $((SECONDS - t0))
}

echo "demo: preparing pinsync; the details go to $LOG"
step --quiet "installing packages (to build and run pinsync)" scripts/install-deps.sh --runtime

# A first configuration is the one every scripted build shares (scripts/build-defaults.sh:
# optimized, unity sources, precompiled headers: about a fifth of the compile time of each file on
# its own) without the tests and benchmarks (their packages are not needed); scripts/test.sh later
# adds them to the same directory and reuses what the demo compiled. A build directory configured
# before keeps its settings, so nothing already built there is rebuilt; only pinsync is brought up
# to date.
# shellcheck source=build-defaults.sh
source scripts/build-defaults.sh
configure=(cmake -S . -B "$BUILD_DIR")
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  configure+=("${BUILD_DEFAULTS[@]}" -DPINSYNC_TESTS=OFF -DPINSYNC_BENCH=OFF)
elif [ -n "${BUILD_TYPE:-}" ]; then
  configure+=(-DCMAKE_BUILD_TYPE="$BUILD_TYPE")
fi
step "configuring" "${configure[@]}"

# Written by the configuration: "<targets> <source files>" that building pinsync takes.
what="building pinsync"
summary=$BUILD_DIR/pinsync-build-summary.txt
if [ -f "$summary" ] && read -r targets sources <"$summary"; then
  what="building $targets targets ($sources source files) for pinsync"
fi
step "$what" cmake --build "$BUILD_DIR" --target pinsync -j"$(nproc)"

echo "demo: ready in $((SECONDS - started))s; running $BUILD_DIR/src/app/pinsync demo $*"
echo
exec "$BUILD_DIR/src/app/pinsync" demo "$@"
