"""The whole pipeline on a copy of this repository: green as it is, red (exit 1) with each
broken thing named when a copy is broken in several places at once."""
import glob
import io
import os
import shutil
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

from fleetman_manifests import cli

from .helpers import REPO

# Every service's deploy base (globbed: a new service's cluster folders render in the copy too).
COPIED = ["apps", "clusters", "platform", "web/deploy",
          *sorted(os.path.relpath(d, REPO) for d in glob.glob(os.path.join(REPO, "services", "*", "deploy"))),
          "tests/manifests/sources.env", "versions.env", "docs/gitops.md"]


def gomodcache() -> str:
    path = os.environ.get("FLEETMAN_GOMODCACHE")
    if not path:
        raise AssertionError("FLEETMAN_GOMODCACHE is not set: run these tests through tests/manifests/validate.sh")
    return path


class WholeRepository(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="fleetman-repo-")
        for path in COPIED:
            src, dst = os.path.join(REPO, path), os.path.join(cls.root, path)
            if os.path.isdir(src):
                shutil.copytree(src, dst)
            else:
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(src, dst)
        cls.cache = tempfile.mkdtemp(prefix="fleetman-cache-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root)
        shutil.rmtree(cls.cache)

    def run_cli(self):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            tools = [arg for flag, env in (("--kubeconform", "FLEETMAN_KUBECONFORM"), ("--kube-score", "FLEETMAN_KUBE_SCORE"))
                     if os.environ.get(env) for arg in (flag, os.environ[env])]
            code = cli.main(["--root", self.root, "--cache", self.cache, "--gomodcache", gomodcache(), *tools])
        return code, out.getvalue(), err.getvalue()

    def edit(self, path, old, new):
        full = os.path.join(self.root, path)
        with open(full) as f:
            text = f.read()
        self.assertIn(old, text, path)
        with open(full, "w") as f:
            f.write(text.replace(old, new))

    def test_copy_is_green_then_each_break_is_reported(self):
        code, out, err = self.run_cli()
        self.assertEqual(0, code, err)
        self.assertIn("valid", out)

        self.edit("platform/mongodb/kustomization.yaml", "  - networkpolicy.yaml",
                  "  - networkpolicy.yaml\n  - https://github.com/example/extras//deploy?ref=main")
        shutil.rmtree(os.path.join(self.root, "clusters/eks/web"))
        shutil.rmtree(os.path.join(self.root, "clusters/minikube/web"))
        self.edit("services/api-gateway/deploy/service.yaml", "  selector:", "  selectors: {}\n  selector:")
        self.edit("platform/activemq/kustomization.yaml", "6.3.1", "6.1.7")
        self.edit("clusters/images/kustomization.yaml", "    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\n  - name: fleetman-web",
                  "  - name: fleetman-web")
        self.edit("platform/mongodb/statefulset.yaml", "    - apiVersion: v1\n      kind: PersistentVolumeClaim\n      metadata:",
                  "    - metadata:")

        code, _, err = self.run_cli()
        self.assertEqual(1, code)
        for expected in ("remote-refs", "is not pinned to an exact version",
                         "image-pins", "fleetman-web is pinned in clusters/images/kustomization.yaml but no cluster runs it",
                         "schema", "selectors",
                         "versions", "runs ActiveMQ 6.1.7",
                         "own-images-by-digest", "fleetman-position-tracker:0.0.0-unbuilt is not pinned by digest",
                         "image-pins", "image fleetman-position-tracker has no digest",
                         "sync-drift", "StatefulSet fleetman/mongodb"):
            self.assertIn(expected, err)


if __name__ == "__main__":
    unittest.main()
