#!/usr/bin/env bash
# Minikube without a fork: build Fleetman's own images inside Minikube and point the Minikube
# Applications at them. Until the images workflow has run (on your fork), every own image is
# pinned to the all-zero digest `0.0.0-unbuilt` (clusters/images), which nothing can pull:
# the pods sit in ImagePullBackOff. This script is the local way out:
#   1. `minikube image build` builds each image into the cluster's container runtime, tagged
#      fleetman-<app>:local-<commit> (no registry, nothing pushed);
#   2. each Application gets a kustomize image override (spec.source.kustomize.images) from
#      the pinned name to that tag. The Minikube ApplicationSet leaves that field alone
#      (ignoreApplicationDifferences), Argo CD renders it on top of git and rolls the app.
# Git is not changed: the pins stay what the images workflow writes. Run it again after a
# change to rebuild; `--reset` removes the overrides (back to the pins in git).
#
#   bash scripts/release/minikube-images.sh [--reset] [app…]     # default: every own image
#
# Needs minikube, kubectl (context: the Minikube cluster, after `kubectl apply -k
# apps/minikube`) and `npm ci` done (it reads the pins with scripts/release/pin-images.ts).
# Environment: MINIKUBE_PROFILE (minikube), ARGOCD_NAMESPACE (argocd).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

die() { echo "minikube-images: $*" >&2; exit 1; }
profile=${MINIKUBE_PROFILE:-minikube}
argocd_ns=${ARGOCD_NAMESPACE:-argocd}
reset=false
if [ "${1:-}" = --reset ]; then reset=true; shift; fi

command -v kubectl >/dev/null || die "kubectl is required"
$reset || command -v minikube >/dev/null || die "minikube is required"
[ -d node_modules/tsx ] || die "run 'npm ci' first (the pins are read with scripts/release/pin-images.ts)"

# "<name> <newName> <newTag> <digest>" per own image, from clusters/images.
mapfile -t pins < <(node --import tsx scripts/release/pin-images.ts show)
[ ${#pins[@]} -gt 0 ] || die "no image pins found in clusters/images/kustomization.yaml"

wanted=("$@")
tag="local-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- 2>/dev/null || tag="$tag-dirty-$(date +%s)"

for line in "${pins[@]}"; do
  read -r name repository _ _ <<<"$line"
  app=${name#fleetman-}
  if [ ${#wanted[@]} -gt 0 ] && ! printf '%s\n' "${wanted[@]}" | grep -qx "$app"; then continue; fi
  # Right after the bootstrap the ApplicationSet may not have generated it yet: wait a little.
  for _ in $(seq 1 "${MINIKUBE_IMAGES_WAIT:-60}"); do
    kubectl get application -n "$argocd_ns" "$app" >/dev/null 2>&1 && break
    sleep 2
  done
  kubectl get application -n "$argocd_ns" "$app" >/dev/null \
    || die "no Application $app in namespace $argocd_ns: bootstrap first (kubectl apply --server-side -k apps/minikube)"
  if $reset; then
    kubectl patch application -n "$argocd_ns" "$app" --type json \
      -p '[{"op":"remove","path":"/spec/source/kustomize"}]' >/dev/null 2>&1 || true
    echo "minikube-images: $app back to its pin in git ($repository)"
    continue
  fi
  # The web front has its own Dockerfile; the Node services share one (build-arg SERVICE),
  # as in .github/workflows/images.yaml. Every Dockerfile builds from the repository root.
  if [ "$app" = web ]; then
    build=(-f web/Dockerfile)
  else
    build=(-f services/Dockerfile "--build-opt=build-arg=SERVICE=$app")
  fi
  echo "minikube-images: building $name:$tag inside Minikube (profile $profile)"
  minikube -p "$profile" image build -t "$name:$tag" "${build[@]}" .
  # The override names the pinned repository: the pins Component has already rewritten the
  # logical name when Argo CD applies it (kustomize edit set image, then build).
  kubectl patch application -n "$argocd_ns" "$app" --type merge \
    -p "{\"spec\":{\"source\":{\"kustomize\":{\"images\":[\"$repository=$name:$tag\"]}}}}" >/dev/null
  echo "minikube-images: $app now runs $name:$tag (override on the Application; git unchanged)"
done
