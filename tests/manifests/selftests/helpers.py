"""Fixture loading and the tiny JSON-patch subset the broken fixtures use."""
from __future__ import annotations

import copy
import glob
import os
from typing import Any

import yaml

from fleetman_manifests.objects import Obj, load_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def good_cluster() -> list[Obj]:
    return load_file(os.path.join(FIXTURES, "good", "cluster.yaml"), "fixture")


def broken_fixtures() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "broken", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            found.append((os.path.basename(path), yaml.safe_load(f)))
    return found


def _pointer(path: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in path.lstrip("/").split("/")]


def _apply(doc: Any, op: str, path: str, value: Any = None) -> None:
    *parents, last = _pointer(path)
    for part in parents:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    key: Any = int(last) if isinstance(doc, list) else last
    if op == "remove":
        del doc[key]
    elif op in ("add", "replace"):
        if op == "replace" and (key not in doc if isinstance(doc, dict) else key >= len(doc)):
            raise KeyError(f"replace of missing {path}")
        doc[key] = value
    else:
        raise ValueError(f"unsupported op {op}")


def broken_copy(objs: list[Obj], fixture: dict[str, Any]) -> list[Obj]:
    """A deep copy of objs with the fixture's removals and patches applied."""
    result = [Obj(copy.deepcopy(o.body), o.source) for o in objs]
    for gone in fixture.get("remove") or []:
        before = len(result)
        result = [o for o in result if not (o.kind == gone["kind"] and o.name == gone["name"])]
        assert len(result) == before - 1, f"remove: no {gone}"
    for patch in fixture.get("patch") or []:
        targets = [o for o in result if o.kind == patch["kind"] and o.name == patch["name"]]
        assert len(targets) == 1, f"patch: no single {patch['kind']} {patch['name']}"
        _apply(targets[0].body, patch["op"], patch["path"], patch.get("value"))
    return result
