#!/usr/bin/env bash
# Offline observability tests: shell scripts (shellcheck), alert rules (promtool check + unit tests), PromQL and metric
# names, dashboards, the Prometheus selection rule, rendered cluster folders, Fluent Bit
# config and log fields, and a real Prometheus scraping the locally running services.
#   bash tests/observability/test.sh            # run everything
#   bash tests/observability/test.sh --install  # only install the tools (Debian packages)
#   bash tests/observability/test.sh --offline  # everything except the live services
set -euo pipefail
cd "$(dirname "$0")/../.."

install_tools() {
  local missing=()
  command -v promtool >/dev/null || missing+=(prometheus)
  command -v prometheus >/dev/null || missing+=(prometheus)
  command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  if ((${#missing[@]})); then
    echo "installing ${missing[*]} from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null; }
  fi
  command -v kubectl >/dev/null || command -v kustomize >/dev/null || { echo "kubectl or kustomize is missing (needed for 'kubectl kustomize'); see docs/observability.md" >&2; exit 1; }
}

install_tools
[[ "${1:-}" == --install ]] && exit 0

# Alertmanager's own checker on the route example.
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
node -e 'const y=require("yaml"),f=require("fs");f.writeFileSync(process.argv[2],y.stringify(y.parse(f.readFileSync(process.argv[1],"utf8")).alertmanager.config))' \
  platform/monitoring/values/common.yaml "$cfg"
amtool check-config "$cfg" >/dev/null || { amtool check-config "$cfg"; exit 1; }

tests=()
for file in tests/observability/*.test.ts; do
  [[ "${1:-}" == --offline && "$file" == */live.test.ts ]] || tests+=("$file")
done
if [[ "${1:-}" != --offline ]]; then
  # The live test runs the built local stack: build the services (incremental).
  npx tsc -b services/tsconfig.json
fi
log=$(mktemp)
trap 'rm -f "$cfg" "$log"' EXIT
status=0
node --import tsx --conditions=development --test --test-reporter=spec "${tests[@]}" | tee "$log" || status=$?
# One closing line in the form the README test command adds up.
passed=$(grep -E '^ℹ pass [0-9]+' "$log" | awk '{print $3}')
failed=$(grep -E '^ℹ fail [0-9]+' "$log" | awk '{print $3}')
echo "observability: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
