"""Checks of how Argo CD will sync what is rendered: the per-folder facts (app.yaml), the
defects a real Argo CD showed (issue 8) and the promotion design (docs/gitops.md).

Each function returns human-readable problems (empty = pass); selftests/test_gitops.py shows
each failing on the shape that was broken and passing on the fixed one.
"""
from __future__ import annotations

import glob
import json
import os
import re

import yaml

from .objects import Obj, containers, workloads
from .repo_checks import APP_FILE, OWN_REPO

# The fields of clusters/<cluster>/<app>/app.yaml and their types. `path` is Argo CD's own
# parameter of the files generator and must not be shadowed.
APP_FIELDS: dict[str, type] = {"project": str, "namespace": str, "tier": str, "order": int}
TIERS = ("platform", "services")
# Where the ApplicationSet template must take each fact from (nothing app-specific written there).
TEMPLATE_FACTS = {
    ("spec", "project"): "{{ .project }}",
    ("spec", "destination", "namespace"): "{{ .namespace }}",
    ("metadata", "labels", "fleetman.io/tier"): "{{ .tier }}",
    ("metadata", "labels", "fleetman.io/order"): "{{ .order }}",
}
FINALIZER = "resources-finalizer.argocd.argoproj.io"
SKIP_DRY_RUN = "SkipDryRunOnMissingResource=true"
# The one place own images are pinned (a kustomize Component every app folder includes).
IMAGE_PINS = "clusters/images/kustomization.yaml"
OWN_IMAGE_NAME = re.compile(r"^fleetman-[\w-]+$")
UNBUILT_DIGEST = "sha256:" + "0" * 64
# The branch every change lands on first; only an automatically synced cluster may run it.
DEV_BRANCH = "main"


def read_app_facts(root: str) -> tuple[dict[str, dict], list[str]]:
    """app.yaml of every clusters/<cluster>/<app>/ folder -> {folder: facts}, and what is wrong."""
    facts, problems = {}, []
    for folder_path in sorted(glob.glob(os.path.join(root, "clusters", "*", "*"))):
        folder = os.path.relpath(folder_path, root)
        if not os.path.isdir(folder_path) or folder == os.path.dirname(IMAGE_PINS):
            continue
        path = os.path.join(folder_path, APP_FILE)
        if not os.path.isfile(path):
            problems.append(f"{folder}: no {APP_FILE} (project, namespace, tier, order)")
            continue
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        if not isinstance(doc, dict):
            problems.append(f"{folder}/{APP_FILE}: not a mapping")
            continue
        bad = [f"{key} is missing" for key in APP_FIELDS if key not in doc]
        bad += [f"{key} is not a {kind.__name__}" for key, kind in APP_FIELDS.items()
                if key in doc and (type(doc[key]) is not kind)]
        bad += [f"unknown field {key}" for key in doc if key not in APP_FIELDS]
        if doc.get("tier") not in TIERS:
            bad.append(f"tier must be one of {', '.join(TIERS)}")
        if isinstance(doc.get("order"), int) and doc["order"] < 1:
            bad.append("order must be 1 or more")
        if bad:
            problems.append(f"{folder}/{APP_FILE}: " + "; ".join(bad))
            continue
        facts[folder] = doc
    return facts, problems


def _dig(node, keys):
    for key in keys:
        node = (node or {}).get(key) if isinstance(node, dict) else None
    return node


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def check_app_facts(facts: dict[str, dict], appsets: list[Obj], projects: dict[str, Obj]) -> list[str]:
    """The ApplicationSet template takes every fact from app.yaml and names no app itself;
    every project named exists; an app in several clusters has the same facts everywhere."""
    problems = []
    apps = {os.path.basename(f) for f in facts}
    for appset in appsets:
        template = appset.spec.get("template") or {}
        for keys, wanted in TEMPLATE_FACTS.items():
            got = _dig(template, keys)
            if got != wanted:
                problems.append(f"{appset.ref()}: template {'.'.join(keys)} is {got!r}, expected {wanted!r} (from {APP_FILE})")
        written = "\n".join(_strings(template)) + (appset.spec.get("templatePatch") or "")
        for app in sorted(apps):
            if re.search(rf'"{re.escape(app)}"', written):
                problems.append(f"{appset.ref()}: template names the app {app!r}: facts belong in its {APP_FILE}")
    for folder, doc in sorted(facts.items()):
        if doc["project"] not in projects:
            problems.append(f"{folder}/{APP_FILE}: AppProject {doc['project']} does not exist")
    by_app: dict[str, dict[str, dict]] = {}
    for folder, doc in facts.items():
        by_app.setdefault(os.path.basename(folder), {})[folder] = doc
    for app, docs in sorted(by_app.items()):
        shapes = {json.dumps(d, sort_keys=True) for d in docs.values()}
        if len(shapes) > 1:
            problems.append(f"{app}: {APP_FILE} differs between clusters ({', '.join(sorted(docs))})")
    return problems


def check_project_destinations(facts: dict[str, dict], rendered: dict[str, list[Obj]], projects: dict[str, Obj]) -> list[str]:
    """The other direction of project-fit: every namespace an AppProject allows is used by an
    Application of that project (its app.yaml, an Application inside a folder, or an object
    it renders into that namespace), so a permission cannot outlive the app it was for."""
    used: dict[str, set[str]] = {}
    for folder, doc in facts.items():
        names = used.setdefault(doc["project"], set())
        names.add(doc["namespace"])
        for obj in rendered.get(folder, []):
            if obj.namespace:
                names.add(obj.namespace)
            if obj.kind == "Application":
                used.setdefault(obj.spec.get("project", "default"), set()).add(
                    (obj.spec.get("destination") or {}).get("namespace", ""))
    problems = []
    for name, project in sorted(projects.items()):
        for dest in project.spec.get("destinations") or []:
            ns = dest.get("namespace", "")
            if "*" not in ns and ns not in used.get(name, set()):
                problems.append(f"AppProject {name}: allows namespace {ns}, which no Application of the project uses")
    return problems


def check_sync_drift(objs: list[Obj]) -> list[str]:
    """Defect 1: a volumeClaimTemplate without apiVersion/kind never matches the live object
    under server-side apply, so the app is OutOfSync after every sync."""
    problems = []
    for sts in (o for o in objs if o.kind == "StatefulSet"):
        for i, claim in enumerate(sts.spec.get("volumeClaimTemplates") or []):
            if claim.get("apiVersion") != "v1" or claim.get("kind") != "PersistentVolumeClaim":
                name = (claim.get("metadata") or {}).get("name", i)
                problems.append(f"{sts.ref()}: volumeClaimTemplate {name} needs apiVersion: v1 and kind: PersistentVolumeClaim")
    return problems


def _is_builtin(group: str) -> bool:
    return "." not in group or group.endswith(".k8s.io")


def check_crd_dry_run(objs: list[Obj]) -> list[str]:
    """Defect 2: a custom resource whose CRD is installed by another Application (e.g. a
    ServiceMonitor before monitoring) carries SkipDryRunOnMissingResource=true, or the dry
    run fails the whole sync of its app on a cluster without that CRD yet."""
    rendered = {((c.spec.get("group") or ""), ((c.spec.get("names") or {}).get("kind") or ""))
                for c in objs if c.kind == "CustomResourceDefinition"}
    problems = []
    for obj in objs:
        if _is_builtin(obj.group) or (obj.group, obj.kind) in rendered:
            continue
        options = ((obj.body.get("metadata") or {}).get("annotations") or {}).get("argocd.argoproj.io/sync-options", "")
        if SKIP_DRY_RUN not in [o.strip() for o in options.split(",")]:
            problems.append(f"{obj.ref()}: its CRD comes from another Application: annotate "
                            f"argocd.argoproj.io/sync-options: {SKIP_DRY_RUN}")
    return problems


def _sources(app: Obj) -> list[dict]:
    return app.spec.get("sources") or ([app.spec["source"]] if app.spec.get("source") else [])


def check_child_applications(objs: list[Obj]) -> list[str]:
    """Defect 3 (and 5 for children): an Application deployed by a folder (app of apps) is
    labelled with its tier, syncs automatically (its parent's sync is the gate; a manual
    child makes the parent wait forever on its health) and prunes when its parent goes."""
    problems = []
    for app in (o for o in objs if o.kind == "Application"):
        labels = (app.body.get("metadata") or {}).get("labels") or {}
        if labels.get("fleetman.io/tier") not in TIERS:
            problems.append(f"{app.ref()}: no fleetman.io/tier label ({' or '.join(TIERS)})")
        if not (app.spec.get("syncPolicy") or {}).get("automated"):
            problems.append(f"{app.ref()}: does not sync automatically: its parent's sync would wait for it forever")
        if FINALIZER not in ((app.body.get("metadata") or {}).get("finalizers") or []):
            problems.append(f"{app.ref()}: no {FINALIZER}: removing its parent would leave its workloads unmanaged")
    return problems


def tracked_revision(appset: Obj) -> str | None:
    for gen in appset.spec.get("generators") or []:
        if gen.get("git"):
            return gen["git"].get("revision")
    return None


def check_promotion(clusters: dict[str, tuple[Obj, list[Obj]]]) -> list[str]:
    """Defect 4: each cluster runs one branch, read everywhere it reads this repository; only
    an automatically synced cluster runs main; every other one runs its own branch, which
    moves only by promotion (a whole revision: manifests and digests together)."""
    problems = []
    for cluster, (appset, objs) in sorted(clusters.items()):
        revision = tracked_revision(appset)
        template_source = ((appset.spec.get("template") or {}).get("spec") or {}).get("source") or {}
        if template_source.get("targetRevision") != revision:
            problems.append(f"[{cluster}] {appset.ref()}: template targetRevision {template_source.get('targetRevision')!r} "
                            f"is not the generator's revision {revision!r}")
        automated = bool(((appset.spec.get("template") or {}).get("spec") or {}).get("syncPolicy", {}).get("automated"))
        if not automated and revision == DEV_BRANCH:
            problems.append(f"[{cluster}] {appset.ref()}: syncs by hand but tracks {DEV_BRANCH}: every merge would be its "
                            f"desired state before it ran anywhere; track a promotion branch (e.g. {cluster})")
        if automated and revision != DEV_BRANCH:
            problems.append(f"[{cluster}] {appset.ref()}: the automatically synced cluster must track {DEV_BRANCH}, not {revision!r}")
        for app in (o for o in objs if o.kind == "Application"):
            for src in _sources(app):
                if OWN_REPO.match(src.get("repoURL", "")) and src.get("targetRevision") != revision:
                    problems.append(f"[{cluster}] {app.ref()}: reads this repository at {src.get('targetRevision')!r}, "
                                    f"the cluster runs {revision!r}")
    revisions = [tracked_revision(a) for a, _ in clusters.values()]
    for revision in sorted({r for r in revisions if r and revisions.count(r) > 1}):
        problems.append(f"more than one cluster tracks {revision!r}: a promotion could not move one without the other")
    return problems


def check_deletion(appsets: list[Obj], apps: dict[str, list[Obj]] | None = None) -> list[str]:
    """Defect 5: removing a folder deletes its Application (Minikube) and deleting an
    Application deletes what it deployed: preserveResourcesOnDeletion false, so Argo CD puts
    its resources finalizer on every generated Application (no template finalizers that
    would replace it). The Application holding the ApplicationSet (Argo CD managing itself)
    keeps everything (Delete=false), or deleting it would uninstall Argo CD and cascade."""
    problems = []
    for appset in appsets:
        policy = appset.spec.get("syncPolicy") or {}
        if policy.get("preserveResourcesOnDeletion") is not False:
            problems.append(f"{appset.ref()}: preserveResourcesOnDeletion must be false, or deleted Applications leave their workloads unmanaged")
        finalizers = _dig(appset.spec, ("template", "metadata", "finalizers"))
        if finalizers is not None and FINALIZER not in finalizers:
            problems.append(f"{appset.ref()}: template finalizers {finalizers} replace Argo CD's {FINALIZER}")
        automated = _dig(appset.spec, ("template", "spec", "syncPolicy", "automated"))
        if automated and policy.get("applicationsSync") != "sync":
            problems.append(f"{appset.ref()}: automatically synced, so Applications must follow the folders (applicationsSync: sync)")
    for folder, objs in sorted((apps or {}).items()):
        if not any(o.kind == "ApplicationSet" for o in objs):
            continue
        for obj in objs:
            options = ((obj.body.get("metadata") or {}).get("annotations") or {}).get("argocd.argoproj.io/sync-options", "")
            if "Delete=false" not in [o.strip() for o in options.split(",")]:
                problems.append(f"{obj.ref()}: {folder} holds the ApplicationSet, so its objects are kept when its "
                                "Application is deleted: annotate argocd.argoproj.io/sync-options: Delete=false")
    return problems


def check_image_pins(root: str) -> list[str]:
    """Own images (fleetman-*) are pinned in one place, the Component clusters/images, with
    name, tag and digest; no other kustomization pins them."""
    from .render import find_kustomizations, kustomization_file

    problems = []
    pins_path = os.path.join(root, IMAGE_PINS)
    if not os.path.isfile(pins_path):
        return [f"{IMAGE_PINS} is missing (the one place own images are pinned)"]
    with open(pins_path, encoding="utf-8") as f:
        pins = yaml.safe_load(f) or {}
    if pins.get("kind") != "Component":
        problems.append(f"{IMAGE_PINS}: must be a kustomize Component (included by every app folder)")
    for entry in pins.get("images") or []:
        missing = [k for k in ("name", "newName", "newTag", "digest") if not entry.get(k)]
        if missing:
            problems.append(f"{IMAGE_PINS}: image {entry.get('name')} has no {', '.join(missing)}")
    for folder in find_kustomizations(root):
        path = kustomization_file(os.path.join(root, folder))
        if os.path.relpath(path or "", root) == IMAGE_PINS:
            continue
        with open(path or "", encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        for entry in doc.get("images") or []:
            if OWN_IMAGE_NAME.match(str(entry.get("name", ""))):
                problems.append(f"{folder}: pins {entry['name']}; own images are pinned only in {IMAGE_PINS}")
    return problems


def check_images_run(root: str, clusters: dict[str, list[Obj]]) -> list[str]:
    """Every own image pinned in clusters/images runs on some cluster: a pin nothing uses is
    left over from a removed service (removing a service is its folders and its pin)."""
    path = os.path.join(root, IMAGE_PINS)
    if not os.path.isfile(path) or not clusters:
        return []
    with open(path, encoding="utf-8") as f:
        pins = yaml.safe_load(f) or {}
    images = {c.get("image", "").split("@")[0].rsplit(":", 1)[0]
              for objs in clusters.values() for _, spec in workloads(objs) for c in containers(spec)}
    return [f"{entry.get('name')} is pinned in {IMAGE_PINS} but no cluster runs it"
            for entry in pins.get("images") or [] if entry.get("newName") not in images]


def unbuilt_images(root: str) -> list[str]:
    """Own images still at the all-zero digest (never built): not an error in the repository,
    but nothing can pull them (README, "Images")."""
    path = os.path.join(root, IMAGE_PINS)
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        pins = yaml.safe_load(f) or {}
    return [e.get("name", "?") for e in pins.get("images") or [] if e.get("digest") == UNBUILT_DIGEST]


USES = re.compile(r"^\s*-?\s*uses:\s*(?P<ref>\S+)", re.M)
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def check_workflow_pins(root: str) -> list[str]:
    """Every action a workflow uses is pinned by commit SHA (a tag can be moved; the
    workflows hold write tokens)."""
    problems = []
    for path in sorted(glob.glob(os.path.join(root, ".github", "workflows", "*.y*ml"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for match in USES.finditer(text):
            ref = match["ref"]
            if not ref.startswith("./") and not PINNED_ACTION.match(ref):
                problems.append(f"{os.path.relpath(path, root)}: {ref} is not pinned by commit SHA")
    return problems
