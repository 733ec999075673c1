"""Entry point: render every kustomization, validate every object, run every policy.

Quiet on success (one summary line), every problem on failure, exit status 1.
Usage: python -m fleetman_manifests.cli --root REPO --cache DIR --gomodcache DIR
(the Go modules named in tests/manifests/sources.env must already be downloaded there).
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import sys
import tempfile

from . import gitops, policies, repo_checks, render, schemas, standard_tools
from .objects import Obj


def build_registry(cache: str, key: str, crd_files: list[str]) -> schemas.SchemaRegistry:
    path = os.path.join(cache, f"crd-schemas-{key}.json")
    if os.path.exists(path):
        return schemas.SchemaRegistry.load(path)
    registry = schemas.SchemaRegistry()
    registry.add_crd_files(crd_files)
    registry.save(path)
    return registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--gomodcache", required=True)
    parser.add_argument("--kubeconform", help="kubeconform binary (strict schemas); the built-in validator without it")
    parser.add_argument("--kube-score", help="kube-score binary (generic workload checks of our namespace)")
    parser.add_argument("--actionlint", help="actionlint binary (the GitHub workflows)")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    sources = repo_checks.read_env_file(os.path.join(root, "tests/manifests/sources.env"))
    versions = repo_checks.read_env_file(os.path.join(root, "versions.env"))
    problems: dict[str, list[str]] = {}

    def report(check: str, found: list[str]) -> None:
        if found:
            problems.setdefault(check, []).extend(found)

    crd_sources = sorted(v for k, v in sources.items() if k.startswith("CRD_SOURCE_"))
    crd_files = []
    for source in crd_sources:
        module, _, pattern = source.partition(":")
        matched = sorted(glob.glob(os.path.join(args.gomodcache, module, pattern)))
        if not matched:
            report("crd-sources", [f"{source}: no CRD file (is the module downloaded?)"])
        crd_files.extend(matched)
    cache_key = hashlib.sha256(" ".join(crd_sources).encode()).hexdigest()[:16]
    registry = build_registry(args.cache, cache_key, crd_files)
    argocd_module, _, argocd_version = sources["ARGOCD_MODULE"].partition("@")

    with tempfile.TemporaryDirectory(prefix="fleetman-manifests-") as scratch:
        render.copy_manifests(root, scratch)
        remote = render.localise_remote_refs(scratch, argocd_version,
                                             os.path.join(args.gomodcache, sources["ARGOCD_MODULE"], "manifests"))
        report("remote-refs", remote.problems)
        rendered: dict[str, list[Obj]] = {}
        render_errors: dict[str, str] = {}
        for folder in render.find_kustomizations(scratch):
            if folder.startswith(".remote") or render.is_component(os.path.join(scratch, folder)):
                continue
            objs, error = render.render(os.path.join(scratch, folder), folder)
            if error:
                render_errors[folder] = error
            else:
                rendered[folder] = objs
    report("render", [f"{folder}: {error}" for folder, error in render_errors.items()])

    # CRDs shipped inside the renders (e.g. Argo CD's own) validate their resources too.
    for objs in rendered.values():
        for obj in objs:
            if obj.kind == "CustomResourceDefinition":
                registry.add_crd(obj.body)
    seen: set[str] = set()
    unique: list[Obj] = []
    for objs in rendered.values():
        for obj in objs:
            fingerprint = json.dumps(obj.body, sort_keys=True)
            if fingerprint not in seen:
                seen.add(fingerprint)
                unique.append(obj)
    if args.kubeconform:
        schema_problems = standard_tools.kubeconform(args.kubeconform, unique, registry, sources["KUBERNETES_VERSION"], args.cache)
    else:
        schema_problems = [p for obj in unique for p in schemas.validate_object(obj, registry, sources["KUBERNETES_VERSION"])]
    report("schema", schema_problems)

    doc = os.path.join(root, "docs/gitops.md")
    out_of_band = {}
    if os.path.exists(doc):
        with open(doc, encoding="utf-8") as f:
            out_of_band = repo_checks.parse_out_of_band_secrets(f.read())
    facts, fact_problems = gitops.read_app_facts(root)
    report("app-facts", fact_problems)
    appsets: list[Obj] = []
    all_projects: dict[str, Obj] = {}
    by_cluster: dict[str, tuple[Obj, list[Obj]]] = {}
    all_cluster_objs: list[Obj] = []
    clusters = sorted({f.split("/")[1] for f in rendered if f.startswith("clusters/") and f.count("/") == 2})
    for cluster in clusters:
        apps = {f: objs for f, objs in rendered.items() if f.startswith(f"clusters/{cluster}/") and f.count("/") == 2}
        objs = [o for folder_objs in apps.values() for o in folder_objs]
        all_cluster_objs.extend(objs)
        ctx = policies.Context(cluster=cluster, out_of_band_secrets=out_of_band)
        for name, found in policies.run_all(objs, ctx).items():
            report(name, [f"[{cluster}] {p}" for p in found])
        cluster_appsets = [o for o in objs if o.kind == "ApplicationSet"]
        appsets.extend(cluster_appsets)
        projects = {o.name: o for o in objs if o.kind == "AppProject"}
        all_projects.update(projects)
        if len(cluster_appsets) != 1:
            report("project-fit", [f"[{cluster}] expected one ApplicationSet in clusters/{cluster}/argocd, found {len(cluster_appsets)}"])
        else:
            by_cluster[cluster] = (cluster_appsets[0], objs)
            report("project-fit", [f"[{cluster}] {p}" for p in repo_checks.check_project_fit(apps, facts, projects, registry.scopes)])
        report("pinned-sources", [f"[{cluster}] {p}" for p in repo_checks.check_pinned_sources(objs)])
        report("versions", [f"[{cluster}] {p}" for p in repo_checks.check_versions(objs, versions)])
        report("sync-drift", [f"[{cluster}] {p}" for p in gitops.check_sync_drift(objs)])
        report("crd-dry-run", [f"[{cluster}] {p}" for p in gitops.check_crd_dry_run(objs)])
        report("child-applications", [f"[{cluster}] {p}" for p in gitops.check_child_applications(objs)])
        if args.kube_score:
            report("kube-score", [f"[{cluster}] {p}" for p in standard_tools.kube_score(args.kube_score, objs, ctx.own_namespaces)])
    report("appset-directories", repo_checks.check_appset_directories(root, appsets, render_errors))
    report("app-facts", gitops.check_app_facts(facts, appsets, all_projects))
    report("app-facts", gitops.check_project_destinations(facts, rendered, all_projects))
    report("promotion", gitops.check_promotion(by_cluster))
    report("deletion", gitops.check_deletion(appsets, {f: o for f, o in rendered.items() if f.startswith("clusters/")}))
    report("image-pins", gitops.check_image_pins(root))
    report("image-pins", gitops.check_images_run(root, {c: objs for c, (_, objs) in by_cluster.items()}))
    report("workflow-pins", gitops.check_workflow_pins(root))
    if args.actionlint:
        report("workflows", standard_tools.actionlint(args.actionlint, root))
    report("single-owner", repo_checks.check_single_owner(all_cluster_objs, []))

    if problems:
        for check, found in problems.items():
            print(f"✗ {check}: {len(found)} problem(s)", file=sys.stderr)
            for p in found:
                print(f"    {p}", file=sys.stderr)
        return 1
    unbuilt = gitops.unbuilt_images(root)
    if unbuilt:
        # Not a failure of the repository, but the first thing a newcomer on a cluster hits.
        print(f"note: {len(unbuilt)} own images are still the all-zero 0.0.0-unbuilt digest "
              f"({gitops.IMAGE_PINS}): no cluster can pull them until the images workflow ran on "
              "your fork, or `bash scripts/release/minikube-images.sh` built them into Minikube (README, Images)")
    total = sum(len(o) for o in rendered.values())
    print(f"manifests: {len(rendered)} kustomizations, {total} objects, {len(clusters)} clusters: valid"
          + (f" ({len(remote.left_out)} remote refs checked for pins only)" if remote.left_out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
