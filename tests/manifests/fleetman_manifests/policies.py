"""Policy checks over the rendered objects of one cluster.

Each check takes every object of the cluster plus a Context and returns human-readable
problems (empty = pass). They are pure functions, so the tests run them on fixtures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .objects import Obj, containers, pod_labels, selector_matches, workloads

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
# An exact release: 1.2.3, v1.2.3, 1.2.3-alpine, 8.11.1 ... (not 8.0, 6, latest, stable).
EXACT_TAG = re.compile(r"^v?\d+\.\d+\.\d+([-.+][\w.-]+)?$")


@dataclass
class Context:
    cluster: str
    # Namespaces whose workloads are ours and must meet the hardening bar.
    own_namespaces: set[str] = field(default_factory=lambda: {"fleetman"})
    # Secrets created out of band: (namespace, name) -> keys (from docs/gitops.md).
    # (keys None = created by an operator or job, keys not checked)
    out_of_band_secrets: dict[tuple[str, str], set[str] | None] = field(default_factory=dict)
    # Our images: must be pinned by digest.
    own_image_prefix: str = "ghcr.io/"
    own_image_marker: str = "/fleetman-"


def _split_image(image: str) -> tuple[str, str | None, str | None]:
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    name, tag = image, None
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = image.rsplit(":", 1)
    return name, tag, digest


def _all_images(objs: list[Obj]):
    for obj, spec in workloads(objs):
        for c in containers(spec):
            yield obj, c.get("name", "?"), c.get("image", "")


def check_image_tags(objs: list[Obj], ctx: Context) -> list[str]:
    """No :latest, no missing tag, no floating tag (8.0, 6): exact releases or digests."""
    problems = []
    for obj, cname, image in _all_images(objs):
        _, tag, digest = _split_image(image)
        if tag == "latest":
            problems.append(f"{obj.ref()}: container {cname} uses :latest ({image})")
        elif digest is None and tag is None:
            problems.append(f"{obj.ref()}: container {cname} image has no tag or digest ({image})")
        elif digest is None and not EXACT_TAG.match(tag or ""):
            problems.append(f"{obj.ref()}: container {cname} uses floating tag {tag!r} ({image})")
    return problems


def check_own_images_by_digest(objs: list[Obj], ctx: Context) -> list[str]:
    """Our images (ghcr.io/<owner>/fleetman-*) are pinned by sha256 digest."""
    problems = []
    for obj, cname, image in _all_images(objs):
        if image.startswith(ctx.own_image_prefix) and ctx.own_image_marker in image:
            if not DIGEST.search(image):
                problems.append(f"{obj.ref()}: container {cname} image {image} is not pinned by digest")
        elif image.startswith("fleetman-"):
            problems.append(f"{obj.ref()}: container {cname} image {image} was never pinned by the cluster folder")
    return problems


def _has(d: dict[str, Any], *path: str) -> bool:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return False
        d = d[key]
    return d is not None


def check_workload_hardening(objs: list[Obj], ctx: Context) -> list[str]:
    """Probes, requests/limits and a locked-down securityContext on every workload of ours."""
    problems = []
    for obj, spec in workloads(objs):
        if obj.namespace not in ctx.own_namespaces:
            continue
        pod_sc = spec.get("securityContext") or {}
        init_names = {c.get("name") for c in spec.get("initContainers") or []}
        for c in containers(spec):
            where = f"{obj.ref()}: container {c.get('name', '?')}"
            if c.get("name") not in init_names:
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    if not c.get(probe):
                        problems.append(f"{where} has no {probe}")
            res = c.get("resources") or {}
            for path in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
                if not _has(res, *path):
                    problems.append(f"{where} has no resources.{'.'.join(path)}")
            sc = c.get("securityContext") or {}
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where} does not set allowPrivilegeEscalation: false")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where} does not set readOnlyRootFilesystem: true")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where} does not drop ALL capabilities")
            if sc.get("privileged"):
                problems.append(f"{where} is privileged")
            if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
                problems.append(f"{where} does not run as non-root (runAsNonRoot)")
            seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
            if seccomp != "RuntimeDefault":
                problems.append(f"{where} has no RuntimeDefault seccomp profile")
    return problems


def _container_ports(spec: dict[str, Any]) -> tuple[set[str], set[int]]:
    names, numbers = set(), set()
    for c in containers(spec, init=False):
        for p in c.get("ports") or []:
            if p.get("name"):
                names.add(p["name"])
            numbers.add(p.get("containerPort"))
    return names, numbers


def _port_exists(port: Any, names: set[str], numbers: set[int], strict: bool = True) -> bool:
    """A named port must be declared (Kubernetes needs it); a number must be declared only
    in our own namespaces, where undeclared ports are a consistency bug (upstream
    manifests legally leave some out)."""
    if isinstance(port, str):
        return port in names
    return port in numbers or not strict


def _pods_in(objs: list[Obj], namespace: str, selector: dict[str, Any]):
    for obj, spec in workloads(objs):
        if obj.namespace == namespace and selector and selector_matches(selector, pod_labels(obj)):
            yield obj, spec


def check_service_selectors(objs: list[Obj], ctx: Context) -> list[str]:
    """Every Service selects at least one pod template, and its targetPorts exist there."""
    problems = []
    for svc in (o for o in objs if o.kind == "Service"):
        selector = svc.spec.get("selector")
        if not selector:
            continue  # ExternalName or manually managed endpoints
        pods = list(_pods_in(objs, svc.namespace, {"matchLabels": selector}))
        if not pods:
            problems.append(f"{svc.ref()}: selector {selector} matches no pod template")
            continue
        for port in svc.spec.get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            strict = svc.namespace in ctx.own_namespaces
            if not any(_port_exists(target, *_container_ports(spec), strict) for _, spec in pods):
                problems.append(f"{svc.ref()}: targetPort {target!r} is not a container port of the selected pods")
    return problems


def _referenced(spec: dict[str, Any]):
    """(kind, name, key) of every ConfigMap/Secret a pod spec reads."""
    for c in containers(spec):
        for src in c.get("envFrom") or []:
            if "configMapRef" in src and not src["configMapRef"].get("optional"):
                yield "ConfigMap", src["configMapRef"].get("name"), None
            if "secretRef" in src and not src["secretRef"].get("optional"):
                yield "Secret", src["secretRef"].get("name"), None
        for env in c.get("env") or []:
            ref = env.get("valueFrom") or {}
            if "configMapKeyRef" in ref and not ref["configMapKeyRef"].get("optional"):
                yield "ConfigMap", ref["configMapKeyRef"].get("name"), ref["configMapKeyRef"].get("key")
            if "secretKeyRef" in ref and not ref["secretKeyRef"].get("optional"):
                yield "Secret", ref["secretKeyRef"].get("name"), ref["secretKeyRef"].get("key")
    for vol in spec.get("volumes") or []:
        if "configMap" in vol and not vol["configMap"].get("optional"):
            yield "ConfigMap", vol["configMap"].get("name"), None
        if "secret" in vol and not vol["secret"].get("optional"):
            yield "Secret", vol["secret"].get("secretName"), None
        for proj in (vol.get("projected") or {}).get("sources") or []:
            if "configMap" in proj:
                yield "ConfigMap", proj["configMap"].get("name"), None
            if "secret" in proj:
                yield "Secret", proj["secret"].get("name"), None


def check_references(objs: list[Obj], ctx: Context) -> list[str]:
    """ConfigMaps, Secrets (and their keys) and ServiceAccounts a pod uses exist in the
    render, or, for Secrets, are documented as created out of band."""
    present: dict[tuple[str, str, str], dict[str, Any]] = {}
    for o in objs:
        if o.kind in ("ConfigMap", "Secret", "ServiceAccount"):
            data = {**(o.body.get("data") or {}), **(o.body.get("binaryData") or {}),
                    **(o.body.get("stringData") or {})}
            present[(o.kind, o.namespace, o.name)] = data
    problems = []
    for obj, spec in workloads(objs):
        ns = obj.namespace
        sa = spec.get("serviceAccountName") or "default"
        if sa != "default" and ("ServiceAccount", ns, sa) not in present:
            problems.append(f"{obj.ref()}: ServiceAccount {sa} does not exist")
        for kind, name, key in _referenced(spec):
            if (kind, ns, name) in present:
                if key is not None and key not in present[(kind, ns, name)]:
                    problems.append(f"{obj.ref()}: {kind} {name} has no key {key!r}")
            elif kind == "Secret" and (ns, name) in ctx.out_of_band_secrets:
                keys = ctx.out_of_band_secrets[(ns, name)]
                if key is not None and keys is not None and key not in keys:
                    problems.append(f"{obj.ref()}: out-of-band Secret {name} is documented without key {key!r}")
            else:
                hint = " nor documented as created out of band" if kind == "Secret" else ""
                problems.append(f"{obj.ref()}: {kind} {name} does not exist in the render{hint}")
    return problems


def _probe_port(probe: dict[str, Any]):
    for handler in ("httpGet", "tcpSocket", "grpc"):
        if handler in probe:
            return probe[handler].get("port")
    return None


def check_ports(objs: list[Obj], ctx: Context) -> list[str]:
    """Probe ports are container ports; ServiceMonitor/PodMonitor ports exist on what they select."""
    problems = []
    for obj, spec in workloads(objs):
        for c in containers(spec, init=False):
            names = {p.get("name") for p in c.get("ports") or []}
            numbers = {p.get("containerPort") for p in c.get("ports") or []}
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                port = _probe_port(c.get(probe) or {})
                strict = obj.namespace in ctx.own_namespaces
                if port is not None and not _port_exists(port, names, numbers, strict):
                    problems.append(f"{obj.ref()}: container {c.get('name')} {probe} port {port!r} is not a container port")
    for mon in (o for o in objs if o.kind == "ServiceMonitor"):
        svcs = [s for s in objs if s.kind == "Service" and _monitor_sees(mon, s.namespace)
                and selector_matches(mon.spec.get("selector") or {}, (s.body["metadata"].get("labels") or {}))]
        if not svcs:
            problems.append(f"{mon.ref()}: selector matches no Service")
        for ep in mon.spec.get("endpoints") or []:
            port = ep.get("port")
            if port and not any(port in {p.get("name") for p in s.spec.get("ports") or []} for s in svcs):
                problems.append(f"{mon.ref()}: endpoint port {port!r} is not a named port of the selected Services")
    for mon in (o for o in objs if o.kind == "PodMonitor"):
        pods = [spec for o, spec in workloads(objs) if _monitor_sees(mon, o.namespace)
                and selector_matches(mon.spec.get("selector") or {}, pod_labels(o))]
        if not pods:
            problems.append(f"{mon.ref()}: selector matches no pod template")
        for ep in mon.spec.get("podMetricsEndpoints") or []:
            port = ep.get("port")
            if port and not any(port in _container_ports(spec)[0] for spec in pods):
                problems.append(f"{mon.ref()}: endpoint port {port!r} is not a named container port of the selected pods")
    return problems


def _monitor_sees(mon: Obj, namespace: str) -> bool:
    ns_sel = mon.spec.get("namespaceSelector") or {}
    if ns_sel.get("any"):
        return True
    return namespace in (ns_sel.get("matchNames") or [mon.namespace])


def check_network_policies(objs: list[Obj], ctx: Context) -> list[str]:
    """Every pod of ours is selected by a NetworkPolicy that governs both directions
    (deny by default, then the listed flows)."""
    policies = [o for o in objs if o.kind == "NetworkPolicy"]
    problems = []
    for obj, _ in workloads(objs):
        if obj.namespace not in ctx.own_namespaces:
            continue
        covered: set[str] = set()
        for pol in policies:
            if pol.namespace == obj.namespace and selector_matches(pol.spec.get("podSelector") or {}, pod_labels(obj)):
                covered.update(pol.spec.get("policyTypes") or ["Ingress"])
        missing = {"Ingress", "Egress"} - covered
        if missing:
            problems.append(f"{obj.ref()}: no NetworkPolicy restricts {', '.join(sorted(missing))}")
    return problems


def check_autoscaling(objs: list[Obj], ctx: Context) -> list[str]:
    """HPA targets exist and do not set spec.replicas (a sync would fight the HPA); the
    tracker is a single consumer with in-memory state: 1 replica, Recreate, never an HPA."""
    problems = []
    deployments = {(o.namespace, o.kind, o.name): o for o in objs if o.kind in ("Deployment", "StatefulSet")}
    for hpa in (o for o in objs if o.kind == "HorizontalPodAutoscaler"):
        ref = hpa.spec.get("scaleTargetRef") or {}
        target = deployments.get((hpa.namespace, ref.get("kind"), ref.get("name")))
        if target is None:
            problems.append(f"{hpa.ref()}: target {ref.get('kind')} {ref.get('name')} does not exist")
        elif "replicas" in target.spec:
            problems.append(f"{target.ref()}: sets spec.replicas although {hpa.ref()} scales it")
        if ref.get("name") == "position-tracker":
            problems.append(f"{hpa.ref()}: the tracker must not be autoscaled (single consumer, in-memory state)")
    tracker = deployments.get(("fleetman", "Deployment", "position-tracker"))
    if tracker is not None:
        if tracker.spec.get("replicas") != 1:
            problems.append(f"{tracker.ref()}: must run exactly 1 replica")
        if (tracker.spec.get("strategy") or {}).get("type") != "Recreate":
            problems.append(f"{tracker.ref()}: must use the Recreate strategy (never two consumers)")
    return problems


CHECKS: dict[str, Callable[[list[Obj], Context], list[str]]] = {
    "image-tags": check_image_tags,
    "own-images-by-digest": check_own_images_by_digest,
    "workload-hardening": check_workload_hardening,
    "service-selectors": check_service_selectors,
    "references": check_references,
    "ports": check_ports,
    "network-policies": check_network_policies,
    "autoscaling": check_autoscaling,
}


def run_all(objs: list[Obj], ctx: Context) -> dict[str, list[str]]:
    return {name: check(objs, ctx) for name, check in CHECKS.items()}
