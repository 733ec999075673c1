"""Rendered Kubernetes objects and the few helpers every check needs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (libyaml when present) that reads a bare `=` as a string, as the
    Kubernetes CRDs using it intend (PyYAML treats it as the legacy "value" tag)."""


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def load_all(text: str) -> list[Any]:
    return [doc for doc in yaml.load_all(text, Loader=Loader) if doc]


WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}

# Kinds that live outside namespaces (besides CRDs declared with scope: Cluster).
CLUSTER_SCOPED_KINDS = {
    "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
    "StorageClass", "PersistentVolume", "PriorityClass", "IngressClass", "RuntimeClass",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService", "CSIDriver",
}


@dataclass
class Obj:
    """One rendered object and where it came from (a kustomization folder)."""

    body: dict[str, Any]
    source: str = "?"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.body.get("kind", "")

    @property
    def api_version(self) -> str:
        return self.body.get("apiVersion", "")

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def name(self) -> str:
        return (self.body.get("metadata") or {}).get("name", "")

    @property
    def namespace(self) -> str:
        return (self.body.get("metadata") or {}).get("namespace", "")

    @property
    def spec(self) -> dict[str, Any]:
        return self.body.get("spec") or {}

    def ref(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name} ({self.source})"


def load_objects(text: str, source: str) -> list[Obj]:
    return [Obj(doc, source) for doc in load_all(text)]


def load_file(path: str, source: str | None = None) -> list[Obj]:
    with open(path, encoding="utf-8") as f:
        return load_objects(f.read(), source or path)


def pod_template(obj: Obj) -> dict[str, Any] | None:
    """The pod template of a workload, whatever its kind."""
    if obj.kind not in WORKLOAD_KINDS:
        return None
    spec = obj.spec
    if obj.kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return spec.get("template")


def pod_spec(obj: Obj) -> dict[str, Any] | None:
    template = pod_template(obj)
    return None if template is None else template.get("spec") or {}


def pod_labels(obj: Obj) -> dict[str, str]:
    template = pod_template(obj) or {}
    return (template.get("metadata") or {}).get("labels") or {}


def containers(spec: dict[str, Any], init: bool = True) -> Iterator[dict[str, Any]]:
    yield from spec.get("containers") or []
    if init:
        yield from spec.get("initContainers") or []


def workloads(objs: list[Obj]) -> Iterator[tuple[Obj, dict[str, Any]]]:
    for obj in objs:
        spec = pod_spec(obj)
        if spec is not None:
            yield obj, spec


def selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """matchLabels plus the matchExpressions operators Kubernetes defines."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True
