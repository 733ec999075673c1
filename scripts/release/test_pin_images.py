"""The workflows' pin writer changes only the pin lines and refuses non-digests."""
import os
import shutil
import tempfile
import unittest

import pin_images

BEFORE = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: fleetman
resources:
  - ../../../services/api-gateway/deploy
# Written by the images workflow: do not edit by hand.
images:
  - name: fleetman-api-gateway
    newName: ghcr.io/fleetman/fleetman-api-gateway
    newTag: 0.0.0-unbuilt
    digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
"""
DIGEST = "sha256:" + "ab" * 32


class PinImages(unittest.TestCase):
    def test_set_rewrites_only_the_pin(self):
        after = pin_images.set_pin(BEFORE, "fleetman-api-gateway", "ghcr.io/acme/fleetman-api-gateway", "sha-1a2b3c4", DIGEST)
        self.assertIn("# Written by the images workflow", after)
        self.assertEqual({"fleetman-api-gateway": {"newName": "ghcr.io/acme/fleetman-api-gateway",
                                                   "newTag": "sha-1a2b3c4", "digest": DIGEST}},
                         pin_images.read_pins(after))
        self.assertEqual(BEFORE.splitlines()[:7], after.splitlines()[:7])

    def test_rejects_a_tag_as_digest(self):
        with self.assertRaises(ValueError):
            pin_images.set_pin(BEFORE, "fleetman-api-gateway", "x", "y", "latest")

    def test_unknown_image_is_an_error(self):
        with self.assertRaises(KeyError):
            pin_images.set_pin(BEFORE, "fleetman-web", "x", "y", DIGEST)

    def test_promote_copies_pins_between_clusters(self):
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root)
        for cluster, text in (("minikube", pin_images.set_pin(BEFORE, "fleetman-api-gateway", "ghcr.io/a/fleetman-api-gateway", "sha-1", DIGEST)),
                              ("eks", BEFORE.replace("resources:", "patches: []\nresources:"))):
            os.makedirs(os.path.join(root, "clusters", cluster, "api-gateway"))
            with open(os.path.join(root, "clusters", cluster, "api-gateway", "kustomization.yaml"), "w") as f:
                f.write(text)
        changed = pin_images.promote(root, "minikube", "eks")
        self.assertEqual(1, len(changed))
        with open(changed[0]) as f:
            text = f.read()
        self.assertIn("patches: []", text)
        self.assertEqual(DIGEST, pin_images.read_pins(text)["fleetman-api-gateway"]["digest"])


if __name__ == "__main__":
    unittest.main()
