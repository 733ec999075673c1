#!/usr/bin/env bash
# Runs one group of node:test files from source (tsx, the `development` export condition).
#   run-tests.sh unit          {libraries,services}/*/src/**/*.test.ts + scripts/test tests (no servers needed)
#   run-tests.sh integration   {libraries,services}/*/test/**/*.test.ts + scripts/dev-servers tests (real servers)
#   run-tests.sh files F…      the given files
# Prints dots while it runs, the full report of any failure, and one closing line
# "<group>: N passed, N failed". Exit status is non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
group=${1:?usage: run-tests.sh unit|integration|files FILE...}
shift || true

case "$group" in
  unit) mapfile -t files < <({ find libraries services -path '*/node_modules' -prune -o -path '*/dist' -prune -o -path '*/src/*' -name '*.test.ts' -print; ls scripts/test/*.test.ts; } | sort) ;;
  integration)
    : "${TEST_ACTIVEMQ_URL:?TEST_ACTIVEMQ_URL is not set: run 'eval \"\$(bash scripts/dev-servers/servers.sh env)\"' after 'bash scripts/dev-servers/servers.sh start'}"
    : "${TEST_RABBITMQ_URL:?TEST_RABBITMQ_URL is not set}"
    : "${TEST_MONGO_URL:?TEST_MONGO_URL is not set}"
    mapfile -t files < <({ find libraries services -path '*/node_modules' -prune -o -path '*/test/*' -name '*.test.ts' -print; ls scripts/dev-servers/*.test.ts; } | sort) ;;
  files) files=("$@") ;;
  *) echo "unknown test group: $group" >&2; exit 2 ;;
esac
[ ${#files[@]} -gt 0 ] || { echo "$group: no test files found" >&2; exit 1; }

mkdir -p test-artifacts
report="test-artifacts/$group.tap"
# Integration tests share servers and restart them: one file at a time.
concurrency=$([ "$group" = unit ] && echo 2 || echo 1)
status=0
node --import tsx --conditions=development --test --test-concurrency="$concurrency" \
  --test-reporter=dot --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$report" \
  "${files[@]}" || status=$?
echo
passed=$(grep -E '^# pass ' "$report" | awk '{s+=$3} END {print s+0}')
failed=$(grep -E '^# fail ' "$report" | awk '{s+=$3} END {print s+0}')
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  echo "---- failures ($report) ----"
  # Print each failing test's TAP block (it carries the assertion and the stack).
  awk '/^ *not ok /{show=1} /^ *ok /{show=0} show' "$report" | head -400
  [ "$failed" -ne 0 ] || failed=1
fi
echo "$group: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
