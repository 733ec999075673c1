"""Strict schema validation rejects unknown fields and wrong types, for built-in kinds and
for custom resources whose schemas come from CRDs (the real ones, from the cache)."""
import copy
import glob
import os
import unittest

from fleetman_manifests.objects import Obj, load_file
from fleetman_manifests.repo_checks import read_env_file
from fleetman_manifests.schemas import SchemaRegistry, crd_to_schemas, validate_object

from .helpers import REPO, good_cluster

K8S = read_env_file(os.path.join(REPO, "tests/manifests/sources.env"))["KUBERNETES_VERSION"]


def real_registry() -> SchemaRegistry:
    """CRDs from the Go module cache that tests/manifests/validate.sh fills."""
    gomodcache = os.environ.get("FLEETMAN_GOMODCACHE")
    if not gomodcache:
        raise AssertionError("FLEETMAN_GOMODCACHE is not set: run these tests through tests/manifests/validate.sh")
    sources = read_env_file(os.path.join(REPO, "tests/manifests/sources.env"))
    files = []
    for key, value in sources.items():
        if key.startswith("CRD_SOURCE_"):
            module, _, pattern = value.partition(":")
            matched = glob.glob(os.path.join(gomodcache, module, pattern))
            if not matched:
                raise AssertionError(f"{value}: not in {gomodcache}; run tests/manifests/validate.sh once online")
            files.extend(matched)
    registry = SchemaRegistry()
    registry.add_crd_files(files)
    return registry


def find(objs, kind, name):
    return next(o for o in objs if o.kind == kind and o.name == name)


class BuiltInKinds(unittest.TestCase):
    registry = SchemaRegistry()

    def test_good_deployment_passes(self):
        self.assertEqual([], validate_object(find(good_cluster(), "Deployment", "position-tracker"), self.registry, K8S))

    def test_unknown_field_fails(self):
        obj = find(good_cluster(), "Deployment", "position-tracker")
        obj.body["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
        problems = validate_object(obj, self.registry, K8S)
        self.assertTrue(any("livenesProbe" in p for p in problems), problems)

    def test_wrong_type_fails(self):
        obj = find(good_cluster(), "Deployment", "position-tracker")
        obj.body["spec"]["replicas"] = "one"
        problems = validate_object(obj, self.registry, K8S)
        self.assertTrue(any("spec.replicas" in p for p in problems), problems)

    def test_unknown_kind_fails(self):
        obj = Obj({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}, "test")
        problems = validate_object(obj, self.registry, K8S)
        self.assertTrue(any("no schema" in p for p in problems), problems)


class CustomResources(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.registry = real_registry()

    def test_good_servicemonitor_passes(self):
        self.assertEqual([], validate_object(find(good_cluster(), "ServiceMonitor", "position-tracker"), self.registry, K8S))

    def test_servicemonitor_unknown_field_fails(self):
        obj = find(good_cluster(), "ServiceMonitor", "position-tracker")
        obj.body["spec"]["endpoints"][0]["metricsPath"] = "/metrics"
        problems = validate_object(obj, self.registry, K8S)
        self.assertTrue(any("metricsPath" in p for p in problems), problems)

    def test_servicemonitor_wrong_type_fails(self):
        obj = find(good_cluster(), "ServiceMonitor", "position-tracker")
        obj.body["spec"]["endpoints"][0]["path"] = 9
        self.assertNotEqual([], validate_object(obj, self.registry, K8S))

    def test_int_or_string_accepts_both(self):
        obj = find(good_cluster(), "ServiceMonitor", "position-tracker")
        obj.body["spec"]["endpoints"][0]["targetPort"] = 8080
        self.assertEqual([], validate_object(obj, self.registry, K8S))
        obj.body["spec"]["endpoints"][0]["targetPort"] = "http"
        self.assertEqual([], validate_object(obj, self.registry, K8S))

    def test_real_applicationset_passes_and_typo_fails(self):
        appset = load_file(os.path.join(REPO, "apps/base/applicationset.yaml"))[0]
        self.assertEqual([], validate_object(appset, self.registry, K8S))
        broken = Obj(copy.deepcopy(appset.body), "test")
        broken.body["spec"]["syncPolicy"]["preserveResourcesOnDelete"] = True
        problems = validate_object(broken, self.registry, K8S)
        self.assertTrue(any("preserveResourcesOnDelete" in p for p in problems), problems)

    def test_real_appproject_wrong_type_fails(self):
        project = load_file(os.path.join(REPO, "apps/base/appproject-fleetman.yaml"))[0]
        self.assertEqual([], validate_object(project, self.registry, K8S))
        project.body["spec"]["destinations"] = "fleetman"
        self.assertNotEqual([], validate_object(project, self.registry, K8S))

    def test_preserve_unknown_fields_stays_open(self):
        crd = {"spec": {"group": "example.com", "names": {"kind": "Thing"}, "versions": [{
            "name": "v1", "served": True, "schema": {"openAPIV3Schema": {
                "type": "object", "properties": {"spec": {
                    "type": "object", "properties": {"a": {"type": "string"}},
                    "x-kubernetes-preserve-unknown-fields": True}}}}}]}}
        schema = crd_to_schemas(crd)[("example.com/v1", "Thing")]
        self.assertNotIn("additionalProperties", schema["properties"]["spec"])
        self.assertFalse(schema["additionalProperties"])


if __name__ == "__main__":
    unittest.main()
