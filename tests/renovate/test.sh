#!/usr/bin/env bash
# The Renovate config (renovate.json) checked by Renovate itself, offline:
#   1. renovate-config-validator --strict: the config is valid and needs no migration;
#   2. renovate --platform=local --dry-run=extract: what Renovate finds in this checkout (no
#      lookups), compared by renovate.test.ts with the versions the repository pins.
# Renovate (npm package `renovate`, RENOVATE_VERSION of versions.env; ~340 MB, ~1 min to install)
# goes into the fleetman cache on first use. It needs the Node of versions.env (use-node.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/test/use-node.sh
source scripts/test/use-node.sh >/dev/null
RENOVATE_VERSION=$(sed -n 's/^RENOVATE_VERSION=//p' versions.env)
dir=$(realpath -m "${FLEETMAN_CACHE:-$HOME/.cache/fleetman}")/renovate-$RENOVATE_VERSION
if [[ ! -x $dir/node_modules/.bin/renovate ]]; then
  echo "installing renovate $RENOVATE_VERSION into $dir"
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  # --ignore-scripts: the optional re2 addon would download a prebuilt binary (Renovate falls
  # back to JavaScript regular expressions; RENOVATE_X_IGNORE_RE2 below says so).
  (cd "$dir.partial" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts "renovate@$RENOVATE_VERSION" >/dev/null)
  rm -rf "$dir" && mv "$dir.partial" "$dir"
fi
export RENOVATE_BIN=$dir/node_modules/.bin
export RENOVATE_X_IGNORE_RE2=true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
node --import tsx --test --test-reporter=spec tests/renovate/*.test.ts | tee "$log" || status=$?
passed=$(grep -E '^ℹ pass [0-9]+' "$log" | awk '{print $3}')
failed=$(grep -E '^ℹ fail [0-9]+' "$log" | awk '{print $3}')
echo "renovate: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
