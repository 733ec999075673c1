"""Each policy passes the good fixture and fails, alone, on each of its broken copies."""
import unittest

from fleetman_manifests.policies import CHECKS, Context, run_all

from .helpers import broken_copy, broken_fixtures, good_cluster

OUT_OF_BAND = {("fleetman", "mongodb-credentials"): {"username", "password"}}


def context() -> Context:
    return Context(cluster="test", out_of_band_secrets=OUT_OF_BAND)


class GoodFixture(unittest.TestCase):
    def test_passes_every_check(self):
        results = run_all(good_cluster(), context())
        self.assertEqual({name: [] for name in CHECKS}, results)


class BrokenFixtures(unittest.TestCase):
    def test_each_fails_exactly_its_check(self):
        for filename, fixture in broken_fixtures():
            with self.subTest(fixture=filename):
                results = run_all(broken_copy(good_cluster(), fixture), context())
                failing = {name for name, problems in results.items() if problems}
                self.assertEqual({fixture["check"]}, failing, results)
                self.assertTrue(any(fixture["expect"] in p for p in results[fixture["check"]]),
                                f"{fixture['expect']!r} not in {results[fixture['check']]}")

    def test_every_check_has_a_broken_fixture(self):
        covered = {fixture["check"] for _, fixture in broken_fixtures()}
        self.assertEqual(set(), set(CHECKS) - covered)

    def test_out_of_band_secret_without_keys_is_accepted(self):
        # Secrets that operators create are listed without keys: any key is accepted.
        objs = good_cluster()
        ctx = Context(cluster="test", out_of_band_secrets={("fleetman", "mongodb-credentials"): None})
        self.assertEqual([], CHECKS["references"](objs, ctx))

    def test_foreign_namespaces_are_not_held_to_our_hardening(self):
        objs = broken_copy(good_cluster(), {"patch": [
            {"kind": "Deployment", "name": "api-gateway", "op": "remove",
             "path": "/spec/template/spec/containers/0/readinessProbe"}]})
        for o in objs:
            o.body["metadata"]["namespace"] = "argocd"
        self.assertEqual([], CHECKS["workload-hardening"](objs, context()))


if __name__ == "__main__":
    unittest.main()
