#!/usr/bin/env bash
# Promotion to EKS: fast-forward branch `eks` (what the EKS ApplicationSet runs) to a revision
# of `main` that Minikube ran Synced and Healthy. The whole revision moves: manifests, chart
# values and image digests together, exactly as Minikube ran them. It is `git push origin
# <revision>:eks` with the checks a person would otherwise do by eye:
#   - the revision is on main (it ran on Minikube, which runs main);
#   - it is a fast-forward of eks (never a rewrite of what EKS ran; no --force anywhere);
#   - its own-image pins are built (no all-zero 0.0.0-unbuilt digest);
#   - optionally (--require-healthy), every Application of the Minikube ApplicationSet, read
#     with the current kubectl context, is Synced and Healthy at exactly that revision.
# Run by .github/workflows/promote.yaml; by hand from any clone with push rights.
#
#   bash scripts/release/promote.sh <revision> [--remote NAME] [--require-healthy] [--dry-run]
#                                               [--allow-unbuilt]
# --allow-unbuilt (or PROMOTE_ALLOW_UNBUILT=1) skips the image check, for clusters that never
# pull the own images (a test control plane with fake nodes).
#
# Environment: PROMOTE_SOURCE_BRANCH (main), PROMOTE_TARGET_BRANCH (eks),
# PROMOTE_APPSET (fleetman-minikube), PROMOTE_ARGOCD_NAMESPACE (argocd).
set -euo pipefail

die() { echo "promote: $*" >&2; exit 1; }

revision="" remote=origin require_healthy=false dry_run=false
allow_unbuilt=$([ "${PROMOTE_ALLOW_UNBUILT:-}" = 1 ] && echo true || echo false)
while [ $# -gt 0 ]; do
  case "$1" in
    --remote) remote=${2:?--remote needs a name}; shift 2 ;;
    --require-healthy) require_healthy=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    --allow-unbuilt) allow_unbuilt=true; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$revision" ] || die "one revision only"; revision=$1; shift ;;
  esac
done
[ -n "$revision" ] || die "usage: promote.sh <revision> [--remote NAME] [--require-healthy] [--dry-run] [--allow-unbuilt]"
source_branch=${PROMOTE_SOURCE_BRANCH:-main}
target_branch=${PROMOTE_TARGET_BRANCH:-eks}
appset=${PROMOTE_APPSET:-fleetman-minikube}
argocd_ns=${PROMOTE_ARGOCD_NAMESPACE:-argocd}

git fetch --quiet "$remote" "+refs/heads/$source_branch:refs/remotes/$remote/$source_branch" \
  || die "cannot fetch $source_branch from $remote"
# The target branch may not exist yet: the first promotion creates it.
target_exists=true
git fetch --quiet "$remote" "+refs/heads/$target_branch:refs/remotes/$remote/$target_branch" 2>/dev/null \
  || target_exists=false

sha=$(git rev-parse --verify --quiet "$revision^{commit}") || die "$revision is not a commit here (fetch it first)"
short=${sha:0:12}

git merge-base --is-ancestor "$sha" "refs/remotes/$remote/$source_branch" \
  || die "$short is not on $remote/$source_branch: only what ran on Minikube (branch $source_branch) can be promoted"

if $target_exists; then
  current=$(git rev-parse "refs/remotes/$remote/$target_branch")
  if [ "$current" = "$sha" ]; then
    echo "promote: $target_branch is already at $short; nothing to do"
    exit 0
  fi
  git merge-base --is-ancestor "$current" "$sha" \
    || die "$short does not contain $target_branch (${current:0:12}): that would rewrite what EKS ran; promote a later revision of $source_branch"
fi

pins=$(git show "$sha:clusters/images/kustomization.yaml" 2>/dev/null) \
  || die "$short has no clusters/images/kustomization.yaml (the image pins)"
if ! $allow_unbuilt && grep -q "sha256:0\{64\}" <<<"$pins"; then
  die "$short pins images that were never built (all-zero digest, 0.0.0-unbuilt): EKS could not pull them; promote a revision after the images workflow's pin pull request was merged"
fi

if $require_healthy; then
  command -v kubectl >/dev/null || die "--require-healthy needs kubectl (pointed at the Minikube cluster)"
  command -v jq >/dev/null || die "--require-healthy needs jq"
  apps=$(kubectl get applications -n "$argocd_ns" -o json) || die "cannot list the Applications (kubectl context?)"
  # Applications of the Minikube ApplicationSet only (their owner reference names it).
  report=$(jq -r --arg set "$appset" --arg sha "$sha" '
    [.items[] | select(any(.metadata.ownerReferences[]?; .kind == "ApplicationSet" and .name == $set))] as $apps
    | if ($apps | length) == 0 then "none"
      else $apps[] | select(.status.sync.status != "Synced" or .status.health.status != "Healthy"
                            or .status.sync.revision != $sha)
        | "\(.metadata.name): \(.status.sync.status // "?")/\(.status.health.status // "?") at \(.status.sync.revision // "?" | .[0:12])"
      end' <<<"$apps")
  [ "$report" != "none" ] || die "no Application of ApplicationSet $appset in namespace $argocd_ns"
  [ -z "$report" ] || die "Minikube did not run $short Synced and Healthy:"$'\n'"$report"
  echo "promote: every Application of $appset is Synced and Healthy at $short"
fi

if $dry_run; then
  echo "promote: would push $short to $remote/$target_branch (dry run)"
  exit 0
fi
# A plain push: the remote refuses anything but a fast-forward (never --force).
git push "$remote" "$sha:refs/heads/$target_branch"
echo "promote: $remote/$target_branch is now $short; sync the EKS Applications in the Argo CD UI (docs/gitops.md)"
