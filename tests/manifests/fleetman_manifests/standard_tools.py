"""The generic checks, handed to standard tools (validate.sh installs them with `go install`
into the cache, keyed by version):

- kubeconform, strict: every object against the Kubernetes schemas of the targeted version
  and against the CRD schemas (Argo CD, Prometheus Operator, ECK) converted to strict JSON
  Schema by schemas.py; offline, from local schema folders written here.
- actionlint: the GitHub workflows (syntax, expressions, contexts, action inputs); shellcheck
  of the run: blocks is left out so the result does not depend on what the machine has.
- kube-score: the generic workload hygiene of our own namespace (probes, resources, security
  context, network policies, disruption budgets, service targets), with the few tests we
  decided against listed in KUBE_SCORE_IGNORED with the reason.

Fleetman's own policies (policies.py, repo_checks.py, gitops.py) stay ours.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from typing import Any

import kubernetes_validate
import yaml

from .objects import Obj
from .schemas import SchemaRegistry

# kube-score tests left out for every object, and why (everything else it checks is
# enforced; single objects opt out with a `kube-score/ignore` annotation and a comment).
KUBE_SCORE_IGNORED = {
    # The images run as their base images' users (node 1000, nginx 101); running as non-root
    # with a read-only root filesystem is enforced by workload-hardening. Moving to UIDs above
    # 10000 would need the images' file ownership changed first.
    "container-security-context-user-group-id": "base image users, non-root enforced",
    # Replica counts are cluster intent: Minikube runs one of each; on EKS the stateless
    # services scale with HPAs (autoscaling policy), the simulator and tracker are singletons.
    "deployment-replicas": "replicas are per-cluster intent",
    # Own images are pinned by digest, third-party ones to exact tags (image-tags): the
    # reference cannot drift, and Always would make every restart depend on the registry.
    "container-image-pull-policy": "pinned references",
    # The root filesystem is read-only; the writable paths are emptyDirs with a sizeLimit
    # (or the data volumes), which already bound what a pod can write.
    "container-ephemeral-storage-request-and-limit": "read-only root, bounded emptyDirs",
    # On EKS the HPAs scale the gateway and web across a few nodes: a required host
    # anti-affinity would block scale-up beyond the node count; the scheduler's default
    # topology spreading spreads them.
    "deployment-has-host-podantiaffinity": "would cap HPAs at the node count",
}
# No CPU limits on purpose (throttling hurts the latency of the stream); CPU and memory
# requests and memory limits stay required.
KUBE_SCORE_FLAGS = ["--ignore-container-cpu-limit"]


def schema_file_name(api_version: str, kind: str) -> str:
    """kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json` (kubectl-openapi2jsonschema)."""
    group, _, version = api_version.rpartition("/")
    suffix = f"-{group.split('.')[0]}" if group else ""
    return f"{kind.lower()}{suffix}-{version}.json"


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and "#/$defs/" in ref:
            found.add(ref.split("#/$defs/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _local(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (("#/$defs/" + v.split("#/$defs/", 1)[1]) if k == "$ref" and isinstance(v, str) and "#/$defs/" in v
                    else _local(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_local(v) for v in node]
    return node


def builtin_schema_dir(k8s_version: str) -> str:
    root = os.path.join(os.path.dirname(kubernetes_validate.__file__), "kubernetes-json-schema")
    matches = sorted(d for d in os.listdir(root) if re.fullmatch(rf"v{re.escape(k8s_version)}\.\d+-local-strict", d))
    if not matches:
        raise FileNotFoundError(f"kubernetes-validate has no strict schemas for Kubernetes {k8s_version}")
    return os.path.join(root, matches[-1])


def write_schemas(objs: list[Obj], registry: SchemaRegistry, k8s_version: str, out: str) -> None:
    """Standalone schema files kubeconform reads offline: built-in kinds (kubernetes-validate's
    strict schemas with their shared definitions inlined) and custom resources (the registry)."""
    source = builtin_schema_dir(k8s_version)
    definitions = None
    builtin, custom = os.path.join(out, "builtin"), os.path.join(out, "custom")
    os.makedirs(builtin, exist_ok=True)
    for api_version, kind in sorted({(o.api_version, o.kind) for o in objs}):
        if (api_version, kind) in registry.schemas:
            group, _, version = api_version.rpartition("/")
            os.makedirs(os.path.join(custom, group), exist_ok=True)
            with open(os.path.join(custom, group, f"{kind.lower()}_{version}.json"), "w", encoding="utf-8") as f:
                json.dump(registry.schemas[(api_version, kind)], f)
            continue
        name = schema_file_name(api_version, kind)
        target = os.path.join(builtin, name)
        if os.path.exists(target) or not os.path.exists(os.path.join(source, name)):
            continue  # unknown kinds: kubeconform reports "could not find schema"
        if definitions is None:
            with open(os.path.join(source, "_definitions.json"), encoding="utf-8") as f:
                definitions = json.load(f)["$defs"]
        with open(os.path.join(source, name), encoding="utf-8") as f:
            schema = json.load(f)
        needed: set[str] = set()
        todo = set()
        _refs(schema, todo)
        while todo:
            name_ = todo.pop()
            if name_ in needed or name_ not in definitions:
                continue
            needed.add(name_)
            _refs(definitions[name_], todo)
        schema = _local(schema)
        schema["$defs"] = {n: _local(definitions[n]) for n in sorted(needed)}
        with open(target, "w", encoding="utf-8") as f:
            json.dump(schema, f)


def kubeconform(binary: str, objs: list[Obj], registry: SchemaRegistry, k8s_version: str, cache: str) -> list[str]:
    """Strict schema validation of objs; one problem per invalid object or missing schema."""
    # Keyed on the schema release kubernetes-validate ships (e.g. v1.34.0-local-strict).
    schemas_dir = os.path.join(cache, "kubeconform-schemas", os.path.basename(builtin_schema_dir(k8s_version)))
    write_schemas(objs, registry, k8s_version, schemas_dir)
    by_name: dict[tuple[str, str, str], Obj] = {}
    with tempfile.TemporaryDirectory(prefix="fleetman-kubeconform-") as scratch:
        path = os.path.join(scratch, "objects.yaml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump_all([o.body for o in objs], f, sort_keys=False)
        for o in objs:
            by_name.setdefault((o.kind, o.name, o.api_version), o)
        proc = subprocess.run(
            [binary, "-strict", "-output", "json", "-n", "2",
             "-schema-location", os.path.join(schemas_dir, "builtin", "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
             "-schema-location", os.path.join(schemas_dir, "custom", "{{ .Group }}", "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"),
             path], capture_output=True, text=True)
    try:
        results = json.loads(proc.stdout or "{}").get("resources") or []
    except json.JSONDecodeError:
        return [f"kubeconform failed: {(proc.stderr or proc.stdout).strip()[:500]}"]
    problems = []
    for r in results:
        if r.get("status") in ("statusInvalid", "statusError"):
            obj = by_name.get((r.get("kind", ""), r.get("name", ""), r.get("version", "")))
            where = obj.ref() if obj else f"{r.get('kind')} {r.get('name')}"
            # kubeconform's summary names the failing path and reason after "' - "; the
            # per-error entries often say only "validation failed".
            message = r.get("msg", "")
            problems.append(f"{where}: {message.split(chr(39) + ' - ', 1)[-1]}")
    return problems


def kube_score(binary: str, objs: list[Obj], namespaces: set[str]) -> list[str]:
    """kube-score on the objects of our own namespaces; one problem per CRITICAL/WARNING."""
    own = [o for o in objs if o.namespace in namespaces]
    if not own:
        return []
    with tempfile.TemporaryDirectory(prefix="fleetman-kube-score-") as scratch:
        path = os.path.join(scratch, "objects.yaml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump_all([o.body for o in own], f, sort_keys=False)
        args = [binary, "score", "--output-format", "ci", *KUBE_SCORE_FLAGS]
        for test in sorted(KUBE_SCORE_IGNORED):
            args += ["--ignore-test", test]
        proc = subprocess.run([*args, path], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        return [f"kube-score failed: {(proc.stderr or proc.stdout).strip()[:500]}"]
    return [line.strip() for line in proc.stdout.splitlines() if re.match(r"^\[(CRITICAL|WARNING)\]", line.strip())]


def actionlint(binary: str, root: str) -> list[str]:
    """actionlint on .github/workflows; one problem per finding."""
    workflows = sorted(os.path.join(root, ".github", "workflows", f)
                       for f in os.listdir(os.path.join(root, ".github", "workflows"))
                       if f.endswith((".yaml", ".yml"))) if os.path.isdir(os.path.join(root, ".github", "workflows")) else []
    if not workflows:
        return []
    proc = subprocess.run([binary, "-shellcheck=", "-pyflakes=", "-no-color", "-oneline", *workflows],
                          capture_output=True, text=True, cwd=root)
    if proc.returncode == 0:
        return []
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    return lines or [f"actionlint failed: {proc.stderr.strip()[:500]}"]
