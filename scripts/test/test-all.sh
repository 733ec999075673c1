#!/usr/bin/env bash
# The README's test command (`npm test`): installs and starts every real server the tests use,
# builds, then runs each suite. Quiet on success (one line per suite), loud on failure (the
# suite's output), non-zero if anything failed. Servers this script started are stopped again.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mkdir -p test-artifacts/logs
# shellcheck source=scripts/test/use-node.sh
source scripts/test/use-node.sh
failures=()
passed_total=0
failed_total=0

# step NAME COMMAND…: runs quietly into a log; prints the suite's closing "N passed, N failed"
# line (when it has one) or "ok"; on failure, the log.
step() {
  local name=$1 log="test-artifacts/logs/$1.log" started=$SECONDS
  shift
  if "$@" >"$log" 2>&1; then
    local summary
    summary=$(grep -E '^([A-Za-z0-9-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    printf '%-14s ok   %4ss  %s\n' "$name" $((SECONDS - started)) "${summary:-}"
  else
    printf '%-14s FAIL %4ss  (log: %s)\n' "$name" $((SECONDS - started)) "$log"
    tail -n 200 "$log"
    failures+=("$name")
  fi
  local counts
  counts=$(grep -E '^([A-Za-z0-9-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | sed -E 's/^[A-Za-z0-9-]+: //' | awk '{p+=$1; f+=$3} END {print p+0, f+0}')
  passed_total=$((passed_total + ${counts% *}))
  failed_total=$((failed_total + ${counts#* }))
}

# web_suite LABEL GLOB…: a node:test run inside web/ (its tsconfig), with the same closing line
# as run-tests.sh. Reporter options must come before the files, so the command is built here.
web_suite() {
  local label=$1 tap="$root/test-artifacts/$1.tap" status=0 files=()
  shift
  # shellcheck disable=SC2206 # the globs are meant to expand, relative to web/
  (cd web && shopt -s nullglob && files=($@) && [ ${#files[@]} -gt 0 ] &&
    node --import tsx --conditions=development --test --test-concurrency=1 \
      --test-reporter=dot --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}") || status=$?
  local p f
  p=$(grep -sE '^# pass ' "$tap" | awk '{s+=$3} END {print s+0}')
  f=$(grep -sE '^# fail ' "$tap" | awk '{s+=$3} END {print s+0}')
  if [ "$status" -ne 0 ] || [ "$f" -ne 0 ]; then
    [ -f "$tap" ] && awk '/^ *not ok /{show=1} /^ *ok /{show=0} show' "$tap" | head -300
    [ "$f" -ne 0 ] || f=1
  fi
  echo
  echo "$label: $p passed, $f failed"
  [ "$status" -eq 0 ] && [ "$f" -eq 0 ]
}

# The gitops suite's control plane (Kubernetes, etcd, kwok, Argo CD) compiles for a long time on a
# cold machine: build it in the background (niced, inside the script) while the other suites run,
# and wait for it before the gitops step. A failed build fails that step with the build's log.
mkdir -p test-artifacts
control_plane_log=$root/test-artifacts/logs/control-plane-install.log
bash scripts/dev-servers/control-plane.sh install >"$control_plane_log" 2>&1 &
control_plane_pid=$!

# gitops_suite: waits for the background install, then runs the suite (which re-checks the install).
gitops_suite() {
  local status=0
  wait "$control_plane_pid" || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$control_plane_log"
    echo "the control plane install failed (exit $status): see above"
    echo "gitops: 0 passed, 1 failed"
    return 1
  fi
  bash tests/gitops/test.sh
}

step install bash scripts/dev-servers/servers.sh install || true
[ ${#failures[@]} -eq 0 ] || { echo "cannot install the test servers"; exit 1; }

# Start what is not running yet, and stop exactly that at the end.
mapfile -t to_stop < <(bash scripts/dev-servers/servers.sh status 2>/dev/null | awk '$2 != "running" {print $1}')
cleanup() { [ ${#to_stop[@]} -eq 0 ] || bash scripts/dev-servers/servers.sh stop "${to_stop[@]}" >/dev/null 2>&1 || true; }
trap cleanup EXIT
step servers bash scripts/dev-servers/servers.sh start
[ ${#failures[@]} -eq 0 ] || exit 1
eval "$(bash scripts/dev-servers/servers.sh env)"

step build npm run build
[ ${#failures[@]} -eq 0 ] || exit 1
step lint npm run lint
step unit bash scripts/test/run-tests.sh unit
step integration bash scripts/test/run-tests.sh integration
step web-unit web_suite web-unit 'src/*/*.test.ts'
step web-e2e web_suite web-e2e 'test/e2e/*.test.ts'
step manifests bash tests/manifests/validate.sh
step observability bash tests/observability/test.sh
step renovate bash tests/renovate/test.sh
step gitops gitops_suite

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED: ${failures[*]}"
  echo "$passed_total passed, $failed_total failed"
  exit 1
fi
echo "$passed_total passed, $failed_total failed"
