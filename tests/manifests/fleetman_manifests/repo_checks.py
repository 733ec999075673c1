"""Checks that look at the repository layout and at Argo CD objects as a whole."""
from __future__ import annotations

import fnmatch
import glob
import os
import re

from .objects import CLUSTER_SCOPED_KINDS, Obj, containers, pod_spec, workloads
from .render import EXACT_CHART_VERSION, EXACT_REF, kustomization_file

# clusters/<cluster>/<app>/app.yaml: the facts of one Application (gitops.read_app_facts).
APP_FILE = "app.yaml"

# The one folder every cluster needs by construction: Argo CD managing itself holds the
# ApplicationSet. Which other apps a cluster runs is its folders; that every pinned own image
# runs somewhere is checked from the pins (gitops.check_images_run).
REQUIRED_APPS = {"argocd"}

OWN_IMAGE = re.compile(r"^ghcr\.io/(?P<owner>[^/]+)/fleetman-")
OWN_REPO = re.compile(r"^https://github\.com/(?P<owner>[^/]+)/fleetman(\.git)?$")
TABLE_ROW = re.compile(r"^\|\s*`(?P<name>[\w.-]+)`\s*\|\s*`(?P<namespace>[\w.-]+)`\s*\|", re.M)
SECRET_COMMAND = re.compile(r"kubectl\s+create\s+secret\s+generic\s+(?P<name>[\w.-]+)(?P<rest>.*)")


def parse_out_of_band_secrets(doc: str) -> dict[tuple[str, str], set[str] | None]:
    """Secrets a doc says are created outside git: (namespace, name) -> keys.

    Two forms: `kubectl create secret generic NAME -n NS --from-literal=KEY=...` commands
    (backslash continuations joined; keys are checked), and table rows
    `| `NAME` | `NAMESPACE` | who creates it |` for Secrets that operators or jobs create
    (keys unknown, not checked)."""
    text = re.sub(r"\\\n\s*", " ", doc)
    secrets: dict[tuple[str, str], set[str] | None] = {}
    for match in SECRET_COMMAND.finditer(text):
        rest = match["rest"]
        ns = re.search(r"(?:-n|--namespace)[ =]([\w.-]+)", rest)
        keys = set(re.findall(r"--from-(?:literal|file)=([\w.-]+)=", rest))
        key = (ns.group(1) if ns else "default", match["name"])
        secrets[key] = (secrets.get(key) or set()) | keys
    for row in TABLE_ROW.finditer(doc):
        secrets.setdefault((row["namespace"], row["name"]), None)
    return secrets


def appset_files(appset: Obj) -> tuple[list[str], list[str], list[str]]:
    """The git files generator of an ApplicationSet: include and exclude patterns, repos."""
    includes, excludes, repos = [], [], []
    for gen in appset.spec.get("generators") or []:
        git = gen.get("git")
        if not git:
            continue
        repos.append(git.get("repoURL", ""))
        for d in git.get("files") or []:
            (excludes if d.get("exclude") else includes).append(d.get("path", ""))
    return includes, excludes, repos


def cluster_of(appset: Obj) -> str | None:
    includes, _, _ = appset_files(appset)
    for path in includes:
        parts = path.split("/")
        if len(parts) == 4 and parts[0] == "clusters" and parts[2] == "*" and parts[3] == APP_FILE:
            return parts[1]
    return None


def check_appset_directories(root: str, appsets: list[Obj], render_errors: dict[str, str]) -> list[str]:
    """Every ApplicationSet file pattern matches folders that render; every cluster folder
    belongs to an ApplicationSet; every cluster has its required Applications."""
    problems = []
    covered: set[str] = set()
    for appset in appsets:
        includes, excludes, _ = appset_files(appset)
        if not includes:
            problems.append(f"{appset.ref()}: no git files generator")
        for pattern in includes:
            matched = [os.path.relpath(os.path.dirname(p), root) for p in sorted(glob.glob(os.path.join(root, pattern)))
                       if os.path.isfile(p) and not any(fnmatch.fnmatch(os.path.relpath(p, root), e) for e in excludes)]
            if not matched:
                problems.append(f"{appset.ref()}: file pattern {pattern} matches no folder")
            for folder in matched:
                covered.add(folder)
                if not kustomization_file(os.path.join(root, folder)):
                    problems.append(f"{appset.ref()}: {folder} has no kustomization.yaml")
                elif folder in render_errors:
                    problems.append(f"{appset.ref()}: {folder} does not render: {render_errors[folder]}")
        cluster = cluster_of(appset)
        if cluster is None:
            problems.append(f"{appset.ref()}: files are not of the form clusters/<cluster>/*/{APP_FILE}")
            continue
        present = {os.path.basename(f) for f in covered if f.startswith(f"clusters/{cluster}/")}
        for app in sorted(REQUIRED_APPS - present):
            problems.append(f"{appset.ref()}: cluster {cluster} has no clusters/{cluster}/{app} folder")
    for cluster_dir in sorted(glob.glob(os.path.join(root, "clusters", "*", "*"))):
        folder = os.path.relpath(cluster_dir, root)
        if os.path.isdir(cluster_dir) and folder not in covered:
            hint = "" if os.path.isfile(os.path.join(cluster_dir, APP_FILE)) else f" (it has no {APP_FILE})"
            problems.append(f"{folder}: no ApplicationSet generates an Application for it{hint}")
    return problems


def _allowed(rules: list[dict], obj: Obj) -> bool:
    for rule in rules:
        if (fnmatch.fnmatch(obj.group, rule.get("group", "")) and fnmatch.fnmatch(obj.kind, rule.get("kind", ""))
                and fnmatch.fnmatch(obj.name, rule.get("name") or "*")):
            return True
    return False


def check_project_fit(apps: dict[str, list[Obj]], facts: dict[str, dict], projects: dict[str, Obj],
                      crd_scopes: dict[tuple[str, str], str]) -> list[str]:
    """What each Application deploys is allowed by its AppProject: destination namespaces,
    cluster-scoped kinds, and (where listed) namespaced kinds. Project and destination
    namespace come from the folder's app.yaml, as the ApplicationSet reads them."""
    problems = []
    for folder, objs in sorted(apps.items()):
        if folder not in facts:
            continue  # reported by app-facts
        project_name, dest_ns = facts[folder]["project"], facts[folder]["namespace"]
        project = projects.get(project_name)
        if project is None:
            problems.append(f"{folder}: AppProject {project_name} does not exist")
            continue
        destinations = {d.get("namespace") for d in project.spec.get("destinations") or []}
        cluster_rules = project.spec.get("clusterResourceWhitelist") or []
        ns_rules = project.spec.get("namespaceResourceWhitelist")
        if not any(fnmatch.fnmatch(dest_ns, d or "") for d in destinations):
            problems.append(f"{folder}: destination namespace {dest_ns} is not allowed by AppProject {project_name}")
        for obj in objs:
            if obj.kind == "Application":
                problems.extend(_nested_application_fit(obj, projects))
            scope = crd_scopes.get((obj.api_version, obj.kind))
            if obj.kind in CLUSTER_SCOPED_KINDS or scope == "Cluster":
                if not _allowed(cluster_rules, obj):
                    problems.append(f"{obj.ref()}: cluster-scoped {obj.group or 'core'}/{obj.kind} is not allowed by AppProject {project_name}")
                continue
            ns = obj.namespace or dest_ns
            if not any(fnmatch.fnmatch(ns, d or "") for d in destinations):
                problems.append(f"{obj.ref()}: namespace {ns} is not allowed by AppProject {project_name}")
            if ns_rules is not None and not _allowed(ns_rules, obj):
                problems.append(f"{obj.ref()}: kind {obj.group or 'core'}/{obj.kind} is not allowed by AppProject {project_name}")
    return problems


def _nested_application_fit(app: Obj, projects: dict[str, Obj]) -> list[str]:
    """An Application inside a folder (app of apps) is admitted by its own project too:
    Argo CD refuses sources and destinations the project does not list."""
    name = app.spec.get("project", "default")
    project = projects.get(name)
    if project is None:
        return [f"{app.ref()}: AppProject {name} does not exist"]
    problems = []
    allowed_repos = project.spec.get("sourceRepos") or []
    sources = app.spec.get("sources") or ([app.spec["source"]] if app.spec.get("source") else [])
    for src in sources:
        url = src.get("repoURL", "")
        if not any(fnmatch.fnmatch(url, pattern) for pattern in allowed_repos):
            problems.append(f"{app.ref()}: source {url} is not in the sourceRepos of AppProject {name}")
    dest_ns = (app.spec.get("destination") or {}).get("namespace", "")
    destinations = {d.get("namespace") for d in project.spec.get("destinations") or []}
    if not any(fnmatch.fnmatch(dest_ns, d or "") for d in destinations):
        problems.append(f"{app.ref()}: destination namespace {dest_ns} is not allowed by AppProject {name}")
    return problems


def check_pinned_sources(objs: list[Obj], own_repo: re.Pattern = OWN_REPO) -> list[str]:
    """Applications found in the render pin Helm charts and foreign git repos exactly."""
    problems = []
    for app in (o for o in objs if o.kind == "Application"):
        sources = app.spec.get("sources") or ([app.spec["source"]] if app.spec.get("source") else [])
        for src in sources:
            revision = str(src.get("targetRevision", ""))
            if src.get("chart"):
                if not EXACT_CHART_VERSION.match(revision):
                    problems.append(f"{app.ref()}: chart {src['chart']} is not pinned to an exact version ({revision or 'none'})")
            elif not own_repo.match(src.get("repoURL", "")) and not EXACT_REF.match(revision):
                problems.append(f"{app.ref()}: {src.get('repoURL')} is not pinned to a tag or commit ({revision or 'none'})")
    return problems


def check_single_owner(objs: list[Obj], extra_urls: list[str]) -> list[str]:
    """The GitHub owner (images ghcr.io/<owner>/fleetman-*, repo github.com/<owner>/fleetman)
    is one value everywhere, so a fork changes it in one sweep (set-owner.sh)."""
    owners: dict[str, str] = {}
    for obj in objs:
        values = [c.get("image", "") for c in containers(pod_spec(obj) or {})]
        if obj.kind in ("Application", "ApplicationSet", "AppProject"):
            values += _repo_urls(obj.spec)
        for value in values:
            for pattern in (OWN_IMAGE, OWN_REPO):
                match = pattern.match(value)
                if match:
                    owners.setdefault(match["owner"], obj.ref())
    for url in extra_urls:
        match = OWN_REPO.match(url)
        if match:
            owners.setdefault(match["owner"], url)
    if len(owners) > 1:
        return ["more than one GitHub owner: " + ", ".join(f"{o} (e.g. {where})" for o, where in sorted(owners.items()))]
    return []


def _repo_urls(node) -> list[str]:
    """Every repoURL and sourceRepos entry below node."""
    if isinstance(node, list):
        return [url for item in node for url in _repo_urls(item)]
    if not isinstance(node, dict):
        return []
    found = []
    for key, value in node.items():
        if key == "repoURL" and isinstance(value, str):
            found.append(value)
        elif key == "sourceRepos" and isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
        else:
            found.extend(_repo_urls(value))
    return found


def check_versions(objs: list[Obj], versions_env: dict[str, str]) -> list[str]:
    """The ActiveMQ image runs the version the integration tests use (versions.env)."""
    wanted = versions_env.get("ACTIVEMQ_VERSION")
    if not wanted:
        return ["versions.env has no ACTIVEMQ_VERSION"]
    problems = []
    for obj, spec in workloads(objs):
        for c in containers(spec):
            image = c.get("image", "")
            if image.startswith("apache/activemq-classic"):
                tag = image.split("@")[0].rsplit(":", 1)[-1]
                if tag != wanted:
                    problems.append(f"{obj.ref()}: runs ActiveMQ {tag}, the tests use {wanted} (versions.env)")
    return problems


def read_env_file(path: str) -> dict[str, str]:
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip().strip('"')
    return values
