"""Strict schema validation: built-in kinds through kubernetes-validate's strict schemas,
custom resources through JSON Schemas converted from their CRDs' openAPIV3Schema.

A CRD schema is made strict the way the API server prunes: an object with `properties`
and no `x-kubernetes-preserve-unknown-fields` rejects unknown fields.
"""
from __future__ import annotations

import copy
import json
import os
from typing import Any, Iterable

import jsonschema
import kubernetes_validate
from .objects import Obj, load_all


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out.pop("anyOf", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    preserve = out.pop("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in out and not preserve and "additionalProperties" not in out:
        out["additionalProperties"] = False
    for key in list(out):
        if key.startswith("x-kubernetes-"):
            del out[key]
    return out


def crd_to_schemas(crd: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> strict JSON Schema for every served version of a CRD."""
    spec = crd.get("spec") or {}
    group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
    result = {}
    for version in spec.get("versions") or []:
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if not schema or not version.get("served", True):
            continue
        strict = _strict(copy.deepcopy(schema))
        props = strict.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props["metadata"] = {"type": "object"}
        strict["additionalProperties"] = False
        result[(f"{group}/{version['name']}", kind)] = strict
    return result


class SchemaRegistry:
    """Custom resource schemas, persisted as JSON under a cache directory."""

    def __init__(self) -> None:
        self.schemas: dict[tuple[str, str], dict[str, Any]] = {}
        self.scopes: dict[tuple[str, str], str] = {}

    def add_crd(self, crd: dict[str, Any]) -> None:
        scope = (crd.get("spec") or {}).get("scope", "Namespaced")
        for key, schema in crd_to_schemas(crd).items():
            self.schemas[key] = schema
            self.scopes[key] = scope

    def add_crd_files(self, paths: Iterable[str]) -> None:
        for path in paths:
            with open(path, encoding="utf-8") as f:
                for doc in load_all(f.read()):
                    if doc.get("kind") == "CustomResourceDefinition":
                        self.add_crd(doc)

    def save(self, path: str) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = [{"apiVersion": k[0], "kind": k[1], "scope": self.scopes[k], "schema": s}
                for k, s in sorted(self.schemas.items())]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)

    @classmethod
    def load(cls, path: str) -> "SchemaRegistry":
        reg = cls()
        with open(path, encoding="utf-8") as f:
            for item in json.load(f):
                reg.schemas[(item["apiVersion"], item["kind"])] = item["schema"]
                reg.scopes[(item["apiVersion"], item["kind"])] = item["scope"]
        return reg


def validate_object(obj: Obj, registry: SchemaRegistry, k8s_version: str) -> list[str]:
    """Problems with one object against its schema; a kind without a schema is a problem too."""
    key = (obj.api_version, obj.kind)
    if key in registry.schemas:
        validator = jsonschema.Draft7Validator(registry.schemas[key])
        return [f"{obj.ref()}: {'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
                for e in sorted(validator.iter_errors(obj.body), key=lambda e: list(map(str, e.absolute_path)))]
    try:
        kubernetes_validate.validate(obj.body, k8s_version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [f"{obj.ref()}: {'.'.join(map(str, e.path)) or '<root>'}: {e.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{obj.ref()}: no schema for {obj.api_version} {obj.kind} "
                f"(add its CRD source to tests/manifests/sources.env)"]
    return []
