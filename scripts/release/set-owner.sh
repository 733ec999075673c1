#!/usr/bin/env bash
# Change the GitHub owner everywhere it appears in the manifests: image names
# (ghcr.io/<owner>/fleetman-*) and repository URLs (https://github.com/<owner>/fleetman.git).
# The validation suite (single-owner check) fails if two owners are ever mixed.
#   bash scripts/release/set-owner.sh my-github-user
set -euo pipefail
new="${1:?usage: set-owner.sh <github-owner>}"
[[ "$new" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "owner must be lower-case letters, digits and dashes (ghcr.io requires lower case)" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
grep -rlE 'ghcr\.io/[a-z0-9-]+/fleetman-|github\.com/[A-Za-z0-9-]+/fleetman(\.git)?' \
  apps clusters platform services/*/deploy web/deploy 2>/dev/null | while read -r file; do
  sed -i -E \
    -e "s#ghcr\.io/[a-z0-9-]+/fleetman-#ghcr.io/${new}/fleetman-#g" \
    -e "s#https://github\.com/[A-Za-z0-9-]+/fleetman(\.git)?\b#https://github.com/${new}/fleetman.git#g" \
    "$file"
  echo "updated $file"
done
