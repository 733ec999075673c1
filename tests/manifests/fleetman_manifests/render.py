"""Render kustomizations offline.

The repository is copied to a scratch directory where remote references are resolved
without a network: the Argo CD remote base is pointed at the same release's manifests from
the Go module cache; any other remote base, and Helm charts, are checked to be pinned to an
exact version and left out of the render.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import yaml

from .objects import Obj, load_objects

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# Folders that hold manifests (everything else in the repository is code).
MANIFEST_ROOTS = ("apps", "clusters", "platform", "services", "web")
REMOTE = re.compile(r"^(https?://|git@|ssh://|github\.com/|gitlab\.com/)")
EXACT_REF = re.compile(r"^(v?\d+\.\d+\.\d+([-.+][\w.-]+)?|[0-9a-f]{40})$")
EXACT_CHART_VERSION = re.compile(r"^v?\d+\.\d+\.\d+([-+][\w.-]+)?$")
ARGOCD_BASE = re.compile(r"^https://github\.com/argoproj/argo-cd//(?P<path>manifests/[^?]+)\?ref=(?P<ref>[^&]+)$")


@dataclass
class RemoteRefs:
    """What was found while localising remote references."""

    problems: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def kustomization_file(folder: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def find_kustomizations(root: str) -> list[str]:
    """Every folder with a kustomization under the manifest roots (relative paths)."""
    found = []
    for top in MANIFEST_ROOTS:
        for dirpath, dirnames, _ in os.walk(os.path.join(root, top)):
            dirnames[:] = [d for d in dirnames if d not in ("node_modules", "dist", "src", "test")]
            if kustomization_file(dirpath):
                found.append(os.path.relpath(dirpath, root))
    return sorted(found)


def copy_manifests(root: str, scratch: str) -> None:
    for folder in find_kustomizations(root):
        src = os.path.join(root, folder)
        shutil.copytree(src, os.path.join(scratch, folder), dirs_exist_ok=True)
    for extra in ("versions.env",):
        if os.path.exists(os.path.join(root, extra)):
            os.makedirs(os.path.dirname(os.path.join(scratch, extra)), exist_ok=True)
            shutil.copy(os.path.join(root, extra), os.path.join(scratch, extra))


def localise_remote_refs(scratch: str, argocd_version: str, argocd_manifests: str | None) -> RemoteRefs:
    """Rewrite every kustomization of the scratch copy so that it renders offline."""
    found = RemoteRefs()
    local_argocd = None
    if argocd_manifests:
        local_argocd = os.path.join(scratch, ".remote", "argo-cd", argocd_version, "manifests")
        if not os.path.isdir(local_argocd):
            shutil.copytree(argocd_manifests, local_argocd)
    for folder in find_kustomizations(scratch):
        path = kustomization_file(os.path.join(scratch, folder))
        assert path
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        changed = False
        for key in ("resources", "components"):
            kept = []
            for entry in doc.get(key) or []:
                if not isinstance(entry, str) or not REMOTE.match(entry):
                    kept.append(entry)
                    continue
                changed = True
                ref = _ref_of(entry)
                if ref is None or not EXACT_REF.match(ref):
                    found.problems.append(f"{folder}: remote {key[:-1]} {entry} is not pinned to an exact version (?ref=vX.Y.Z or a commit)")
                argo = ARGOCD_BASE.match(entry)
                if argo and argo["ref"] != argocd_version:
                    found.problems.append(f"{folder}: Argo CD base pins {argo['ref']} but tests/manifests/sources.env has {argocd_version}")
                elif argo and local_argocd:
                    target = os.path.join(local_argocd, os.path.relpath(argo["path"], "manifests"))
                    kept.append(os.path.relpath(target, os.path.dirname(path)))
                else:
                    found.left_out.append(f"{folder}: {entry}")
            doc[key] = kept
        for chart in doc.pop("helmCharts", None) or []:
            changed = True
            version = str(chart.get("version", ""))
            if not EXACT_CHART_VERSION.match(version):
                found.problems.append(f"{folder}: Helm chart {chart.get('name')} is not pinned to an exact version ({version or 'none'})")
            found.left_out.append(f"{folder}: helm chart {chart.get('name')} {version}")
        if changed:
            with open(path, "w", encoding="utf-8") as f:
                yaml.safe_dump(doc, f, sort_keys=False)
    return found


def _ref_of(url: str) -> str | None:
    match = re.search(r"[?&]ref=([^&]+)", url)
    return match.group(1) if match else None


def kustomize_command() -> list[str]:
    """FLEETMAN_KUSTOMIZE is set by tests/manifests/validate.sh (e.g. "kubectl kustomize")."""
    return (os.environ.get("FLEETMAN_KUSTOMIZE") or "kubectl kustomize").split()


def render(folder: str, source: str) -> tuple[list[Obj], str | None]:
    """Objects of one kustomization, or the build error."""
    proc = subprocess.run([*kustomize_command(), folder], capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["kustomize failed"]
        # kubectl wraps the error in a klog line: keep only kustomize's message.
        match = re.search(r'err="(.*)"\s*$', lines[-1])
        return [], match.group(1).replace('\\"', '"') if match else lines[-1]
    return load_objects(proc.stdout, source), None


def is_component(folder: str) -> bool:
    path = kustomization_file(folder)
    with open(path or "", encoding="utf-8") as f:
        return (yaml.safe_load(f) or {}).get("kind") == "Component"
