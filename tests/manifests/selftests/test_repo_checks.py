"""Repository-level checks, each shown passing on a good tree and failing on a broken one."""
import os
import shutil
import tempfile
import unittest

import yaml

from fleetman_manifests import render, repo_checks
from fleetman_manifests.objects import Obj, load_file

from .helpers import REPO, good_cluster

KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"
APP = "project: fleetman\nnamespace: fleetman\ntier: services\norder: 6\n"


def appset_for(cluster: str) -> Obj:
    """The real base ApplicationSet, pointed at one cluster as the overlays do."""
    appset = load_file(os.path.join(REPO, "apps/base/applicationset.yaml"))[0]
    appset.body["spec"]["generators"][0]["git"]["files"][0]["path"] = f"clusters/{cluster}/*/app.yaml"
    return appset


def projects() -> dict[str, Obj]:
    found = {}
    for name in ("appproject-platform.yaml", "appproject-fleetman.yaml"):
        obj = load_file(os.path.join(REPO, "apps/base", name))[0]
        found[obj.name] = obj
    return found


class TempTree(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="fleetman-test-")
        self.addCleanup(shutil.rmtree, self.root)

    def folder(self, path: str, kustomization: str | None = KUSTOMIZATION, app: str | None = APP) -> str:
        full = os.path.join(self.root, path)
        os.makedirs(full, exist_ok=True)
        if kustomization is not None:
            with open(os.path.join(full, "kustomization.yaml"), "w") as f:
                f.write(kustomization)
        if app is not None:
            with open(os.path.join(full, "app.yaml"), "w") as f:
                f.write(app)
        return full


class AppSetDirectories(TempTree):
    def setUp(self):
        super().setUp()
        for app in ("argocd", "web", "position-tracker"):
            self.folder(f"clusters/minikube/{app}")

    def check(self, render_errors=None):
        return repo_checks.check_appset_directories(self.root, [appset_for("minikube")], render_errors or {})

    def test_complete_cluster_passes(self):
        self.assertEqual([], self.check())

    def test_missing_argocd_folder_fails(self):
        shutil.rmtree(os.path.join(self.root, "clusters/minikube/argocd"))
        self.assertIn("has no clusters/minikube/argocd folder", "\n".join(self.check()))

    def test_folder_without_kustomization_fails(self):
        self.folder("clusters/minikube/extra", kustomization=None)
        self.assertIn("clusters/minikube/extra has no kustomization.yaml", "\n".join(self.check()))

    def test_folder_that_does_not_render_fails(self):
        problems = self.check({"clusters/minikube/web": "accumulating resources: boom"})
        self.assertIn("clusters/minikube/web does not render", "\n".join(problems))

    def test_folder_of_a_cluster_without_applicationset_fails(self):
        self.folder("clusters/staging/web")
        self.assertIn("clusters/staging/web: no ApplicationSet", "\n".join(self.check()))

    def test_folder_without_app_yaml_is_not_generated(self):
        self.folder("clusters/minikube/extra", app=None)
        self.assertIn("clusters/minikube/extra: no ApplicationSet generates an Application for it (it has no app.yaml)",
                      "\n".join(self.check()))

    def test_pattern_matching_nothing_fails(self):
        problems = repo_checks.check_appset_directories(self.root, [appset_for("eks")], {})
        self.assertIn("matches no folder", "\n".join(problems))


FACTS = {
    "clusters/minikube/position-tracker": {"project": "fleetman", "namespace": "fleetman"},
    "clusters/minikube/web": {"project": "fleetman", "namespace": "fleetman"},
    "clusters/minikube/monitoring": {"project": "platform", "namespace": "monitoring"},
}


class ProjectFit(unittest.TestCase):
    def check(self, apps):
        return repo_checks.check_project_fit(apps, FACTS, projects(), {})

    def test_destination_outside_the_project_fails(self):
        facts = {"clusters/minikube/web": {"project": "fleetman", "namespace": "monitoring"}}
        self.assertIn("destination namespace monitoring is not allowed by AppProject fleetman",
                      "\n".join(repo_checks.check_project_fit({"clusters/minikube/web": []}, facts, projects(), {})))

    def test_service_folder_within_project_passes(self):
        objs = [o for o in good_cluster() if o.kind != "PodMonitor"]
        self.assertEqual([], self.check({"clusters/minikube/position-tracker": objs}))

    def test_kind_outside_the_services_whitelist_fails(self):
        self.assertIn("kind monitoring.coreos.com/PodMonitor is not allowed by AppProject fleetman",
                      "\n".join(self.check({"clusters/minikube/position-tracker": good_cluster()})))

    def test_cluster_scoped_kind_in_services_project_fails(self):
        role = Obj({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "x"}}, "t")
        self.assertIn("cluster-scoped rbac.authorization.k8s.io/ClusterRole is not allowed",
                      "\n".join(self.check({"clusters/minikube/web": [role]})))

    def test_secret_in_services_project_fails(self):
        secret = Obj({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "fleetman"}}, "t")
        self.assertIn("kind core/Secret is not allowed", "\n".join(self.check({"clusters/minikube/web": [secret]})))

    def test_foreign_namespace_fails(self):
        cm = Obj({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}, "t")
        self.assertIn("namespace default is not allowed", "\n".join(self.check({"clusters/minikube/web": [cm]})))

    def test_nested_application_needs_an_allowed_source(self):
        app = Obj({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                   "metadata": {"name": "chart", "namespace": "argocd"},
                   "spec": {"project": "platform", "destination": {"namespace": "monitoring"},
                            "source": {"repoURL": "https://charts.example.com", "chart": "x", "targetRevision": "1.0.0"}}}, "t")
        self.assertIn("source https://charts.example.com is not in the sourceRepos of AppProject platform",
                      "\n".join(self.check({"clusters/minikube/monitoring": [app]})))
        app.body["spec"]["source"]["repoURL"] = "https://prometheus-community.github.io/helm-charts"
        self.assertEqual([], self.check({"clusters/minikube/monitoring": [app]}))
        app.body["spec"]["destination"]["namespace"] = "default"
        self.assertIn("destination namespace default is not allowed",
                      "\n".join(self.check({"clusters/minikube/monitoring": [app]})))

    def test_platform_may_create_crds(self):
        crd = Obj({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "a.b"}}, "t")
        self.assertEqual([], self.check({"clusters/minikube/monitoring": [crd]}))


class RemoteRefs(TempTree):
    def localise(self, resources, helm_charts=None):
        doc = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources}
        if helm_charts:
            doc["helmCharts"] = helm_charts
        self.folder("platform/thing", yaml.safe_dump(doc))
        return render.localise_remote_refs(self.root, "v3.5.7", None)

    def test_pinned_remote_is_left_out_without_problem(self):
        found = self.localise(["https://github.com/example/repo//deploy?ref=v1.2.3"])
        self.assertEqual([], found.problems)
        self.assertEqual(1, len(found.left_out))

    def test_unpinned_remote_fails(self):
        for url in ("https://github.com/example/repo//deploy", "https://github.com/example/repo//deploy?ref=main",
                    "https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=stable"):
            with self.subTest(url=url):
                self.assertIn("is not pinned to an exact version", "\n".join(self.localise([url]).problems))

    def test_argocd_ref_must_match_sources(self):
        found = self.localise(["https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v3.4.0"])
        self.assertIn("Argo CD base pins v3.4.0", "\n".join(found.problems))

    def test_helm_chart_needs_exact_version(self):
        found = self.localise([], [{"name": "chart", "repo": "https://example.com", "version": "1.x"}])
        self.assertIn("Helm chart chart is not pinned", "\n".join(found.problems))

    def test_local_resources_untouched(self):
        found = self.localise(["deployment.yaml", "../base"])
        self.assertEqual(([], []), (found.problems, found.left_out))


def application(sources):
    return Obj({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                "metadata": {"name": "a", "namespace": "argocd"}, "spec": {"sources": sources}}, "t")


class PinnedSources(unittest.TestCase):
    def test_exact_chart_and_own_repo_pass(self):
        app = application([{"repoURL": "https://charts.example.com", "chart": "c", "targetRevision": "79.7.1"},
                           {"repoURL": "https://github.com/fleetman/fleetman.git", "targetRevision": "main"}])
        self.assertEqual([], repo_checks.check_pinned_sources([app]))

    def test_floating_chart_fails(self):
        app = application([{"repoURL": "https://charts.example.com", "chart": "c", "targetRevision": "79.*"}])
        self.assertIn("chart c is not pinned", "\n".join(repo_checks.check_pinned_sources([app])))

    def test_foreign_git_branch_fails(self):
        app = application([{"repoURL": "https://github.com/other/thing.git", "targetRevision": "HEAD"}])
        self.assertIn("is not pinned to a tag or commit", "\n".join(repo_checks.check_pinned_sources([app])))


class SingleOwnerAndVersions(unittest.TestCase):
    def test_one_owner_passes(self):
        self.assertEqual([], repo_checks.check_single_owner(good_cluster(), ["https://github.com/fleetman/fleetman.git"]))

    def test_two_owners_fail(self):
        problems = repo_checks.check_single_owner(good_cluster(), ["https://github.com/someone-else/fleetman.git"])
        self.assertIn("more than one GitHub owner", "\n".join(problems))

    def activemq(self, tag):
        return [Obj({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "activemq", "namespace": "fleetman"},
                     "spec": {"template": {"spec": {"containers": [{"name": "a", "image": f"apache/activemq-classic:{tag}"}]}}}}, "t")]

    def test_activemq_matches_tests_version(self):
        self.assertEqual([], repo_checks.check_versions(self.activemq("6.3.1"), {"ACTIVEMQ_VERSION": "6.3.1"}))

    def test_activemq_other_version_fails(self):
        problems = repo_checks.check_versions(self.activemq("6.1.0"), {"ACTIVEMQ_VERSION": "6.3.1"})
        self.assertIn("runs ActiveMQ 6.1.0, the tests use 6.3.1", "\n".join(problems))


class OutOfBandSecrets(unittest.TestCase):
    def test_commands_and_table_rows(self):
        doc = ("kubectl create secret generic db -n fleetman \\\n  --from-literal=username=u \\\n"
               "  --from-literal=password=\"$(openssl rand -hex 8)\"\n\n"
               "| Secret | Namespace | Created by |\n| --- | --- | --- |\n| `argocd-redis` | `argocd` | Argo CD |\n")
        self.assertEqual({("fleetman", "db"): {"username", "password"}, ("argocd", "argocd-redis"): None},
                         repo_checks.parse_out_of_band_secrets(doc))

    def test_repository_doc_documents_the_service_secrets(self):
        with open(os.path.join(REPO, "docs/gitops.md"), encoding="utf-8") as f:
            secrets = repo_checks.parse_out_of_band_secrets(f.read())
        self.assertEqual({"username", "password"}, secrets[("fleetman", "activemq-credentials")])
        self.assertEqual({"root-username", "root-password", "username", "password"},
                         secrets[("fleetman", "mongodb-credentials")])


if __name__ == "__main__":
    unittest.main()
