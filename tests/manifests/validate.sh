#!/usr/bin/env bash
# Offline validation of every Kubernetes manifest in the repository (docs/gitops.md).
# First run: installs a Python venv, downloads CRD schemas (Go modules) and builds kubeconform
# and kube-score (go install) into .cache/manifests; later runs need no network. Quiet on success, non-zero on any problem.
#   bash tests/manifests/validate.sh           # tests of the suite, then the repository
#   bash tests/manifests/validate.sh --repo    # only the repository
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SUITE="$ROOT/tests/manifests"
CACHE="${FLEETMAN_MANIFESTS_CACHE:-$ROOT/.cache/manifests}"
VENV="$CACHE/venv"
export GOMODCACHE="$CACHE/gomod"
export GOFLAGS="-modcacherw"
mkdir -p "$CACHE"

die() { echo "validate-manifests: $*" >&2; exit 1; }

# Python venv with the pinned requirements (reinstalled only when requirements.txt changes).
setup_python() {
  command -v python3 >/dev/null || die "python3 is required"
  local stamp="$VENV/.requirements.sha256" want
  want="$(sha256sum "$SUITE/requirements.txt" | cut -d' ' -f1)"
  if [[ ! -x "$VENV/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    python3 -m venv "$VENV" || die "cannot create a venv (Debian: apt-get install python3-venv)"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$SUITE/requirements.txt" \
      || die "pip install failed (first run needs PyPI)"
    echo "$want" >"$stamp"
  fi
}

# Go modules named in sources.env (CRDs, Argo CD manifests), skipped when already cached.
setup_modules() {
  local modules
  modules="$(grep -E '^(ARGOCD_MODULE|CRD_SOURCE_[A-Z_]+)=' "$SUITE/sources.env" | cut -d= -f2 | cut -d: -f1 | sort -u)"
  for module in $modules; do
    [[ -d "$GOMODCACHE/$module" ]] && continue
    command -v go >/dev/null || die "go is required once, to download $module from the module proxy"
    (cd "$CACHE" && go mod download "$module") || die "cannot download $module"
  done
}

# kustomize: kubectl's built-in one, a kustomize binary, or one built from the module proxy.
setup_kustomize() {
  if command -v kubectl >/dev/null; then
    export FLEETMAN_KUSTOMIZE="kubectl kustomize"
  elif command -v kustomize >/dev/null; then
    export FLEETMAN_KUSTOMIZE="kustomize build"
  else
    local version
    version="$(grep -E '^KUSTOMIZE_VERSION=' "$SUITE/sources.env" | cut -d= -f2)"
    if [[ ! -x "$CACHE/bin/kustomize" ]]; then
      command -v go >/dev/null || die "kubectl, kustomize or go is required"
      GOBIN="$CACHE/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@$version" || die "cannot build kustomize"
    fi
    export FLEETMAN_KUSTOMIZE="$CACHE/bin/kustomize build"
  fi
}

# The standard tools of the generic checks (kubeconform, kube-score, actionlint): `go install` once per
# version into the cache (bin/<tool>-<version>/), reused afterwards.
setup_tool() {
  local name=$1 package=$2 key=$3 version
  version="$(grep -E "^${key}=" "$SUITE/sources.env" | cut -d= -f2)"
  [[ -n "$version" ]] || die "tests/manifests/sources.env has no $key"
  local dir="$CACHE/bin/$name-$version"
  if [[ ! -x "$dir/$name" ]]; then
    command -v go >/dev/null || die "go is required once, to build $name $version from the module proxy"
    mkdir -p "$dir"
    GOBIN="$dir" go install "$package@$version" || die "cannot build $name $version"
  fi
  echo "$dir/$name"
}

setup_python
setup_modules
setup_kustomize
KUBECONFORM="$(setup_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform KUBECONFORM_VERSION)"
KUBE_SCORE="$(setup_tool kube-score github.com/zegl/kube-score/cmd/kube-score KUBE_SCORE_VERSION)"
ACTIONLINT="$(setup_tool actionlint github.com/rhysd/actionlint/cmd/actionlint ACTIONLINT_VERSION)"
export FLEETMAN_KUBECONFORM="$KUBECONFORM" FLEETMAN_KUBE_SCORE="$KUBE_SCORE" FLEETMAN_ACTIONLINT="$ACTIONLINT"

cd "$SUITE"
if [[ "${1:-}" != "--repo" ]]; then
  # The suite's own tests: each policy must fail on its broken fixture.
  log="$(mktemp)"
  # The release tools (scripts/release, TypeScript) are tested here too: they write the manifests.
  tap="$(mktemp)"
  if ! { FLEETMAN_GOMODCACHE="$GOMODCACHE" "$VENV/bin/python" -m unittest discover -s selftests -t . &&
    (cd "$ROOT" && node --import tsx --test --test-reporter=tap scripts/release/*.test.ts >"$tap"); } >"$log" 2>&1; then
    cat "$log" "$tap" >&2; rm -f "$log" "$tap"; die "the suite's tests failed"
  fi
  # One closing line in the form test runners are read by: "N passed, N failed".
  ran="$(grep -oE '^Ran [0-9]+' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')"
  node_ran="$(grep -E '^# pass [0-9]+' "$tap" | awk '{s+=$3} END {print s+0}')"
  echo "manifest-suite: $((${ran:-0} + ${node_ran:-0})) passed, 0 failed"
  rm -f "$tap"
  rm -f "$log"
fi
"$VENV/bin/python" -m fleetman_manifests.cli --root "$ROOT" --cache "$CACHE" --gomodcache "$GOMODCACHE" \
  --kubeconform "$KUBECONFORM" --kube-score "$KUBE_SCORE" --actionlint "$ACTIONLINT"
