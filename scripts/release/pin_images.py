"""Write image pins (newName, newTag, digest) into cluster kustomizations, keeping the rest
of the file (comments included) as it is. Used by the images and promote workflows.

  python3 pin_images.py set <kustomization.yaml> <image> <newName> <newTag> <sha256:...>
  python3 pin_images.py promote <from-cluster> <to-cluster>   # copy every pin
"""
from __future__ import annotations

import glob
import os
import re
import sys

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
FIELDS = ("newName", "newTag", "digest")


def _entry_span(lines: list[str], image: str) -> tuple[int, int]:
    """Line range [start, end) of the `- name: <image>` entry under `images:`."""
    start = next((i for i, line in enumerate(lines) if re.match(rf"^\s*-\s+name:\s*{re.escape(image)}\s*$", line)), None)
    if start is None:
        raise KeyError(f"no images entry named {image}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and lines[end].strip() and (len(lines[end]) - len(lines[end].lstrip())) > indent:
        end += 1
    return start, end


def read_pins(text: str) -> dict[str, dict[str, str]]:
    lines = text.splitlines()
    pins = {}
    for line in lines:
        match = re.match(r"^\s*-\s+name:\s*(fleetman-[\w-]+)\s*$", line)
        if match:
            start, end = _entry_span(lines, match.group(1))
            fields = {}
            for entry_line in lines[start + 1:end]:
                kv = re.match(r"^\s*(\w+):\s*(\S+)\s*$", entry_line)
                if kv:
                    fields[kv.group(1)] = kv.group(2)
            pins[match.group(1)] = fields
    return pins


def set_pin(text: str, image: str, new_name: str, tag: str, digest: str) -> str:
    if not DIGEST.match(digest):
        raise ValueError(f"not a sha256 digest: {digest}")
    lines = text.splitlines()
    start, end = _entry_span(lines, image)
    indent = " " * (len(lines[start]) - len(lines[start].lstrip()) + 2)
    body = [f"{indent}newName: {new_name}", f"{indent}newTag: {tag}", f"{indent}digest: {digest}"]
    kept = [line for line in lines[start + 1:end] if not re.match(rf"^\s*({'|'.join(FIELDS)}):", line)]
    lines[start + 1:end] = body + kept
    return "\n".join(lines) + "\n"


def promote(root: str, source: str, target: str) -> list[str]:
    changed = []
    for path in sorted(glob.glob(os.path.join(root, "clusters", source, "*", "kustomization.yaml"))):
        app = os.path.basename(os.path.dirname(path))
        dest = os.path.join(root, "clusters", target, app, "kustomization.yaml")
        if not os.path.exists(dest):
            continue
        with open(path, encoding="utf-8") as f:
            pins = read_pins(f.read())
        with open(dest, encoding="utf-8") as f:
            text = original = f.read()
        for image, fields in pins.items():
            text = set_pin(text, image, fields["newName"], fields["newTag"], fields["digest"])
        if text != original:
            with open(dest, "w", encoding="utf-8") as f:
                f.write(text)
            changed.append(dest)
    return changed


def main(argv: list[str]) -> int:
    if len(argv) == 7 and argv[1] == "set":
        path = argv[2]
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(set_pin(text, *argv[3:7]))
        return 0
    if len(argv) == 4 and argv[1] == "promote":
        root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
        for path in promote(root, argv[2], argv[3]):
            print(f"promoted {os.path.relpath(path, root)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
