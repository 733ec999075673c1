"""The standard tools see what they are meant to: kubeconform rejects an unknown field in a
built-in kind and in a custom resource, and a kind without a schema; kube-score reports a
workload without probes. They run when validate.sh installed them (FLEETMAN_KUBECONFORM,
FLEETMAN_KUBE_SCORE), as it always does."""
import copy
import glob
import os
import shutil
import tempfile
import unittest

from fleetman_manifests import schemas, standard_tools
from fleetman_manifests.objects import Obj

from .helpers import good_cluster

KUBECONFORM = os.environ.get("FLEETMAN_KUBECONFORM", "")
KUBE_SCORE = os.environ.get("FLEETMAN_KUBE_SCORE", "")
ACTIONLINT = os.environ.get("FLEETMAN_ACTIONLINT", "")


def registry() -> schemas.SchemaRegistry:
    gomod = os.environ.get("FLEETMAN_GOMODCACHE", "")
    reg = schemas.SchemaRegistry()
    reg.add_crd_files(sorted(glob.glob(os.path.join(
        gomod, "github.com/prometheus-operator/prometheus-operator@*/example/prometheus-operator-crd/*monitors.yaml"))))
    return reg


@unittest.skipUnless(KUBECONFORM, "kubeconform not installed (run through validate.sh)")
class Kubeconform(unittest.TestCase):
    def run_tool(self, objs):
        with tempfile.TemporaryDirectory() as cache:
            return standard_tools.kubeconform(KUBECONFORM, objs, registry(), "1.34", cache)

    def test_good_fixture_is_valid(self):
        self.assertEqual([], self.run_tool(good_cluster()))

    def test_unknown_fields_and_kinds_fail(self):
        objs = [Obj(copy.deepcopy(o.body), o.source) for o in good_cluster()]
        deployment = next(o for o in objs if o.kind == "Deployment")
        deployment.body["spec"]["replica"] = 2
        monitor = next(o for o in objs if o.kind == "ServiceMonitor")
        monitor.body["spec"]["endpoint"] = []
        objs.append(Obj({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}, "t"))
        problems = "\n".join(self.run_tool(objs))
        self.assertIn(f"Deployment fleetman/{deployment.name}", problems)
        self.assertIn("at '/spec': additional properties 'replica' not allowed", problems)
        self.assertIn("ServiceMonitor", problems)
        self.assertIn("could not find schema for Widget", problems)


@unittest.skipUnless(KUBE_SCORE, "kube-score not installed (run through validate.sh)")
class KubeScore(unittest.TestCase):
    # (The repository itself scores clean: that is the kube-score check of the CLI.)
    def test_missing_readiness_probe_is_reported(self):
        before = standard_tools.kube_score(KUBE_SCORE, good_cluster(), {"fleetman"})
        objs = [Obj(copy.deepcopy(o.body), o.source) for o in good_cluster()]
        for c in next(o for o in objs if o.kind == "Deployment").body["spec"]["template"]["spec"]["containers"]:
            c.pop("readinessProbe", None)
        added = set(standard_tools.kube_score(KUBE_SCORE, objs, {"fleetman"})) - set(before)
        self.assertTrue(any("missing a readinessProbe" in p for p in added), added)

    def test_other_namespaces_are_not_scored(self):
        objs = [Obj(copy.deepcopy(o.body), o.source) for o in good_cluster()]
        for o in objs:
            o.body["metadata"]["namespace"] = "argocd"
        self.assertEqual([], standard_tools.kube_score(KUBE_SCORE, objs, {"fleetman"}))


@unittest.skipUnless(ACTIONLINT, "actionlint not installed (run through validate.sh)")
class Actionlint(unittest.TestCase):
    def test_secrets_in_an_if_fail(self):
        root = tempfile.mkdtemp(prefix="fleetman-actionlint-")
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, ".github", "workflows"))
        with open(os.path.join(root, ".github", "workflows", "x.yaml"), "w") as f:
            f.write("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                    "      - if: secrets.TOKEN != ''\n        run: echo hi\n")
        self.assertIn("secrets", "\n".join(standard_tools.actionlint(ACTIONLINT, root)))

    def test_no_workflows_is_fine(self):
        root = tempfile.mkdtemp(prefix="fleetman-actionlint-")
        self.addCleanup(shutil.rmtree, root)
        self.assertEqual([], standard_tools.actionlint(ACTIONLINT, root))


if __name__ == "__main__":
    unittest.main()
