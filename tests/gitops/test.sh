#!/usr/bin/env bash
# The gitops suite: a real Argo CD syncs this checkout into two local clusters (Minikube, EKS)
# built by scripts/dev-servers/control-plane.sh (installed into the cache first if missing).
# See docs/gitops.md, "How the gitops suite runs".
#   bash tests/gitops/test.sh              # install what is missing, then run the suite
#   bash tests/gitops/test.sh --install    # only install the control plane
# FLEETMAN_GITOPS_KEEP=1 leaves the clusters running afterwards (kubeconfigs:
# `bash scripts/dev-servers/control-plane.sh kubeconfig minikube|eks`).
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v jq >/dev/null || { echo "jq is missing (the docs' Secrets step and promote.sh use it)" >&2; exit 1; }
# A failed build fails the suite, loudly: never a silent skip.
bash scripts/dev-servers/control-plane.sh install
[[ "${1:-}" == --install ]] && exit 0

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
node --import tsx --conditions=development --test --test-concurrency=1 --test-reporter=spec tests/gitops/*.test.ts | tee "$log" || status=$?
passed=$(grep -E '^ℹ pass [0-9]+' "$log" | awk '{print $3}')
failed=$(grep -E '^ℹ fail [0-9]+' "$log" | awk '{print $3}')
echo "gitops: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
