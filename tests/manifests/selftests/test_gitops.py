"""The Argo CD checks (issue 8): each passes on the repository's shape and fails on the shape
a real Argo CD showed broken (the state of main before the fix)."""
import copy
import os
import shutil
import tempfile
import unittest

import yaml

from fleetman_manifests import gitops
from fleetman_manifests.objects import Obj, load_file

from .helpers import REPO


def obj(kind, name, spec=None, api_version="v1", namespace="fleetman", **metadata):
    return Obj({"apiVersion": api_version, "kind": kind,
                "metadata": {"name": name, "namespace": namespace, **metadata}, "spec": spec or {}}, "t")


def rendered_appset(cluster: str) -> Obj:
    """The repository's ApplicationSet with the overlay of one cluster applied (as kustomize
    would), read from apps/base and apps/<cluster> without running kustomize."""
    appset = load_file(os.path.join(REPO, "apps/base/applicationset.yaml"))[0]
    with open(os.path.join(REPO, f"apps/{cluster}/kustomization.yaml"), encoding="utf-8") as f:
        overlay = yaml.safe_load(f)
    for op in yaml.safe_load(overlay["patches"][0]["patch"]):
        node = appset.body
        *parents, last = [p.replace("~1", "/") for p in op["path"].lstrip("/").split("/")]
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = op["value"]
    return appset


def statefulset(claim):
    return obj("StatefulSet", "mongodb", {"volumeClaimTemplates": [claim]}, api_version="apps/v1")


class SyncDrift(unittest.TestCase):
    CLAIM = {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}

    def test_claim_without_kind_fails(self):
        problems = gitops.check_sync_drift([statefulset(self.CLAIM)])
        self.assertIn("volumeClaimTemplate data needs apiVersion: v1 and kind: PersistentVolumeClaim", "\n".join(problems))

    def test_claim_with_kind_passes(self):
        claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", **self.CLAIM}
        self.assertEqual([], gitops.check_sync_drift([statefulset(claim)]))

    def test_repository_statefulsets_spell_it_out(self):
        for path in ("platform/activemq/statefulset.yaml", "platform/mongodb/statefulset.yaml"):
            with self.subTest(path=path):
                self.assertEqual([], gitops.check_sync_drift(load_file(os.path.join(REPO, path))))


class CrdDryRun(unittest.TestCase):
    def monitor(self, **annotations):
        return obj("ServiceMonitor", "api-gateway", api_version="monitoring.coreos.com/v1", annotations=annotations)

    def test_monitor_without_skip_fails(self):
        self.assertIn("SkipDryRunOnMissingResource=true", "\n".join(gitops.check_crd_dry_run([self.monitor()])))

    def test_monitor_with_skip_among_other_options_passes(self):
        monitor = self.monitor(**{"argocd.argoproj.io/sync-options": "Delete=false, SkipDryRunOnMissingResource=true"})
        self.assertEqual([], gitops.check_crd_dry_run([monitor]))

    def test_resource_whose_crd_is_rendered_needs_nothing(self):
        crd = obj("CustomResourceDefinition", "servicemonitors.monitoring.coreos.com",
                  {"group": "monitoring.coreos.com", "names": {"kind": "ServiceMonitor"}},
                  api_version="apiextensions.k8s.io/v1", namespace="")
        self.assertEqual([], gitops.check_crd_dry_run([crd, self.monitor()]))

    def test_builtin_kinds_need_nothing(self):
        policy = obj("NetworkPolicy", "p", api_version="networking.k8s.io/v1")
        self.assertEqual([], gitops.check_crd_dry_run([policy, obj("Service", "s")]))


class ChildApplications(unittest.TestCase):
    def child(self):
        return load_file(os.path.join(REPO, "platform/monitoring/kube-prometheus-stack.application.yaml"))[0]

    def test_repository_children_pass(self):
        children = [self.child(), load_file(os.path.join(REPO, "platform/logging/eck-operator.application.yaml"))[0]]
        self.assertEqual([], gitops.check_child_applications(children))

    def test_manual_unlabelled_child_without_finalizer_fails(self):
        child = self.child()
        del child.body["spec"]["syncPolicy"]["automated"]
        del child.body["metadata"]["labels"]
        del child.body["metadata"]["finalizers"]
        problems = "\n".join(gitops.check_child_applications([child]))
        for expected in ("no fleetman.io/tier label", "does not sync automatically", "no resources-finalizer"):
            self.assertIn(expected, problems)


class Promotion(unittest.TestCase):
    def clusters(self):
        return {c: (rendered_appset(c), []) for c in ("minikube", "eks")}

    def test_repository_design_passes(self):
        self.assertEqual([], gitops.check_promotion(self.clusters()))
        self.assertEqual("eks", gitops.tracked_revision(rendered_appset("eks")))
        self.assertEqual("main", gitops.tracked_revision(rendered_appset("minikube")))

    def test_manual_cluster_on_main_fails(self):
        clusters = self.clusters()
        eks = clusters["eks"][0]
        eks.body["spec"]["generators"][0]["git"]["revision"] = "main"
        eks.body["spec"]["template"]["spec"]["source"]["targetRevision"] = "main"
        problems = "\n".join(gitops.check_promotion(clusters))
        self.assertIn("syncs by hand but tracks main", problems)
        self.assertIn("more than one cluster tracks 'main'", problems)

    def test_template_revision_differing_from_generator_fails(self):
        clusters = self.clusters()
        clusters["eks"][0].body["spec"]["template"]["spec"]["source"]["targetRevision"] = "main"
        self.assertIn("is not the generator's revision 'eks'", "\n".join(gitops.check_promotion(clusters)))

    def test_child_reading_another_branch_fails(self):
        child = load_file(os.path.join(REPO, "platform/monitoring/kube-prometheus-stack.application.yaml"))[0]
        clusters = self.clusters()
        clusters["eks"] = (clusters["eks"][0], [child])
        self.assertIn("reads this repository at 'main', the cluster runs 'eks'", "\n".join(gitops.check_promotion(clusters)))


class Deletion(unittest.TestCase):
    def test_repository_design_passes(self):
        self.assertEqual([], gitops.check_deletion([rendered_appset("minikube"), rendered_appset("eks")]))

    def test_preserving_resources_fails(self):
        # main before the fix.
        appset = rendered_appset("minikube")
        appset.body["spec"]["syncPolicy"]["preserveResourcesOnDeletion"] = True
        self.assertIn("preserveResourcesOnDeletion must be false", "\n".join(gitops.check_deletion([appset])))

    def test_template_finalizers_without_argo_cds_fail(self):
        appset = rendered_appset("eks")
        appset.body["spec"]["template"]["metadata"]["finalizers"] = ["example.com/other"]
        self.assertIn("replace Argo CD's resources-finalizer", "\n".join(gitops.check_deletion([appset])))

    def test_the_folder_holding_the_applicationset_keeps_everything(self):
        appset = rendered_appset("eks")
        appset.body["metadata"]["annotations"] = {"argocd.argoproj.io/sync-options": "Delete=false"}
        deployment = obj("Deployment", "argocd-server", api_version="apps/v1", namespace="argocd",
                         annotations={"argocd.argoproj.io/sync-options": "Delete=false"})
        self.assertEqual([], gitops.check_deletion([], {"clusters/eks/argocd": [appset, deployment]}))
        del deployment.body["metadata"]["annotations"]
        self.assertIn("Deployment argocd/argocd-server (t): clusters/eks/argocd holds the ApplicationSet",
                      "\n".join(gitops.check_deletion([], {"clusters/eks/argocd": [appset, deployment]})))

    def test_automatic_cluster_must_follow_folders(self):
        appset = rendered_appset("minikube")
        appset.body["spec"]["syncPolicy"]["applicationsSync"] = "create-update"
        self.assertIn("applicationsSync: sync", "\n".join(gitops.check_deletion([appset])))


class AppFacts(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="fleetman-facts-")
        self.addCleanup(shutil.rmtree, self.root)

    def write(self, folder, text):
        os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        with open(os.path.join(self.root, folder, "app.yaml"), "w") as f:
            f.write(text)

    def test_repository_facts_are_complete_and_agree(self):
        facts, problems = gitops.read_app_facts(REPO)
        self.assertEqual([], problems)
        self.assertEqual({"project": "platform", "namespace": "fleetman", "tier": "platform", "order": 5},
                         facts["clusters/eks/mongodb"])
        projects = {n: None for n in ("platform", "fleetman")}
        appsets = [rendered_appset("minikube"), rendered_appset("eks")]
        self.assertEqual([], gitops.check_app_facts(facts, appsets, projects))

    def test_bad_app_yaml_is_reported(self):
        self.write("clusters/minikube/web", "project: fleetman\nnamespace: fleetman\ntier: frontend\norder: '6'\npath: x\n")
        os.makedirs(os.path.join(self.root, "clusters/minikube/api-gateway"))
        facts, problems = gitops.read_app_facts(self.root)
        text = "\n".join(problems)
        self.assertEqual({}, facts)
        for expected in ("clusters/minikube/api-gateway: no app.yaml", "order is not a int",
                         "unknown field path", "tier must be one of platform, services"):
            self.assertIn(expected, text)

    def test_template_that_names_apps_fails(self):
        # The template of main before the fix: the platform list written in it.
        appset = rendered_appset("minikube")
        template = appset.body["spec"]["template"]
        template["spec"]["project"] = '{{ if has .path.basename (list "argocd" "mongodb") }}platform{{ else }}fleetman{{ end }}'
        facts = {"clusters/minikube/mongodb": {"project": "platform", "namespace": "fleetman", "tier": "platform", "order": 5}}
        problems = "\n".join(gitops.check_app_facts(facts, [appset], {"platform": None}))
        self.assertIn("template spec.project is", problems)
        self.assertIn("template names the app 'mongodb'", problems)

    def test_facts_differing_between_clusters_fail(self):
        base = {"project": "platform", "namespace": "fleetman", "tier": "platform", "order": 5}
        facts = {"clusters/minikube/mongodb": base, "clusters/eks/mongodb": {**base, "namespace": "data"}}
        self.assertIn("mongodb: app.yaml differs between clusters", "\n".join(gitops.check_app_facts(facts, [], {"platform": None})))
        facts["clusters/eks/mongodb"] = dict(base)
        self.assertEqual([], gitops.check_app_facts(facts, [], {"platform": None}))

    def test_a_destination_no_app_uses_fails(self):
        project = obj("AppProject", "platform", {"destinations": [{"namespace": "fleetman"}, {"namespace": "old"}]},
                      api_version="argoproj.io/v1alpha1", namespace="argocd")
        facts = {"clusters/minikube/mongodb": {"project": "platform", "namespace": "fleetman", "tier": "platform", "order": 5}}
        problems = gitops.check_project_destinations(facts, {}, {"platform": project})
        self.assertEqual(["AppProject platform: allows namespace old, which no Application of the project uses"], problems)
        child = obj("Application", "chart", {"project": "platform", "destination": {"namespace": "old"}},
                    api_version="argoproj.io/v1alpha1", namespace="argocd")
        self.assertEqual([], gitops.check_project_destinations(facts, {"clusters/minikube/mongodb": [child]}, {"platform": project}))

    def test_unknown_project_fails(self):
        facts = {"clusters/minikube/x": {"project": "nope", "namespace": "fleetman", "tier": "services", "order": 6}}
        self.assertIn("AppProject nope does not exist", "\n".join(gitops.check_app_facts(facts, [], {})))


class ImagePins(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="fleetman-pins-")
        self.addCleanup(shutil.rmtree, self.root)
        shutil.copytree(os.path.join(REPO, "clusters"), os.path.join(self.root, "clusters"))

    def test_repository_pins_live_in_one_place(self):
        self.assertEqual([], gitops.check_image_pins(REPO))
        self.assertEqual([], gitops.check_image_pins(self.root))

    def test_a_pin_in_an_app_folder_fails(self):
        path = os.path.join(self.root, "clusters/eks/web/kustomization.yaml")
        with open(path, "a") as f:
            f.write("images:\n  - name: fleetman-web\n    newTag: x\n")
        self.assertIn("clusters/eks/web: pins fleetman-web; own images are pinned only in clusters/images",
                      "\n".join(gitops.check_image_pins(self.root)))

    def test_a_pinned_image_no_app_runs_fails(self):
        running = obj("Deployment", "web", {"template": {"spec": {"containers": [
            {"name": "web", "image": "ghcr.io/fleetman/fleetman-web:0.0.0-unbuilt@" + gitops.UNBUILT_DIGEST}]}}},
            api_version="apps/v1")
        problems = gitops.check_images_run(REPO, {"eks": [running], "minikube": []})
        self.assertIn("fleetman-api-gateway is pinned in clusters/images/kustomization.yaml but no cluster runs it", "\n".join(problems))
        self.assertFalse(any("fleetman-web " in p for p in problems))

    def test_unbuilt_images_are_named(self):
        unbuilt = gitops.unbuilt_images(self.root)
        with open(os.path.join(self.root, gitops.IMAGE_PINS)) as f:
            pins = yaml.safe_load(f)
        everything = {e["name"] for e in pins["images"]}
        self.assertEqual(everything if all(e["digest"] == gitops.UNBUILT_DIGEST for e in pins["images"]) else set(unbuilt),
                         set(unbuilt))
        built = copy.deepcopy(pins)
        for entry in built["images"]:
            entry["digest"] = "sha256:" + "ab" * 32
        with open(os.path.join(self.root, gitops.IMAGE_PINS), "w") as f:
            yaml.safe_dump(built, f)
        self.assertEqual([], gitops.unbuilt_images(self.root))


class WorkflowPins(unittest.TestCase):
    def test_repository_workflows_pin_by_sha(self):
        self.assertEqual([], gitops.check_workflow_pins(REPO))

    def test_a_tag_fails(self):
        root = tempfile.mkdtemp(prefix="fleetman-wf-")
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, ".github", "workflows"))
        with open(os.path.join(root, ".github", "workflows", "x.yaml"), "w") as f:
            f.write("jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n"
                    "      - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3\n")
        self.assertEqual([".github/workflows/x.yaml: actions/checkout@v4 is not pinned by commit SHA"],
                         gitops.check_workflow_pins(root))


if __name__ == "__main__":
    unittest.main()
