"""Rendered manifests checked against the schemas an API server would apply."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Iterable
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

KUBERNETES_VERSION = "1.33"
# Kinds applied by terraform/modules/platform whose schema cannot be had offline, and why.
NO_SCHEMA_OFFLINE = {
    (
        "gateway.envoyproxy.io/v1alpha1",
        "EnvoyProxy",
    ): "Envoy Gateway's CRDs ship only in its Helm chart (an OCI registry)",
    (
        "cert-manager.io/v1",
        "ClusterIssuer",
    ): "cert-manager's CRDs ship only in its Helm chart and release assets",
    (
        "postgresql.cnpg.io/v1",
        "Cluster",
    ): "CloudNativePG's CRDs ship only in its Helm chart and release assets",
}


def load_yaml_documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render(kustomize: str, overlay: Path) -> list[dict[str, Any]]:
    """`kustomize build overlay`, as documents."""
    result = subprocess.run([kustomize, "build", str(overlay)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"kustomize build {overlay} failed:\n{result.stderr}")
    return load_yaml_documents(result.stdout)


def kind_of(doc: dict[str, Any]) -> tuple[str, str]:
    return doc.get("apiVersion", ""), doc.get("kind", "")


def name_of(doc: dict[str, Any]) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def of_kind(docs: Iterable[dict[str, Any]], api_version: str, kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if kind_of(d) == (api_version, kind)]


def closed(schema: Any, root: bool = True) -> Any:
    """The schema as a strict API server applies it: unknown fields are errors (kubectl's
    default field validation), except in x-kubernetes-preserve-unknown-fields subtrees and at the
    root (some CRDs, e.g. PingSource, do not declare apiVersion/kind there)."""
    if isinstance(schema, list):
        return [closed(item, root=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value, root=False) for key, value in schema.items()}
    if (
        not root
        and "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


class SchemaBook:
    """Every schema a manifest can be checked against: CRD openAPIV3Schemas, strict core ones."""

    def __init__(self, crd_dirs: Iterable[Path]) -> None:
        self.crds: dict[tuple[str, str], dict[str, Any]] = {}
        for folder in crd_dirs:
            for path in sorted(folder.glob("*.yaml")):
                for crd in load_yaml_documents(path.read_text()):
                    if crd.get("kind") == "CustomResourceDefinition":
                        self.add_crd(crd)

    def add_crd(self, crd: dict[str, Any]) -> None:
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served") and "schema" in version:
                schema = closed(version["schema"]["openAPIV3Schema"])
                self.crds[(f"{group}/{version['name']}", kind)] = schema

    @cached_property
    def object_meta(self) -> jsonschema.protocols.Validator:
        """ObjectMeta, strict, from kubernetes-validate's schemas (metadata of custom resources)."""
        import kubernetes_validate
        from referencing import Registry, Resource

        folder = resources.files(kubernetes_validate) / "kubernetes-json-schema"
        newest = max(
            (p.name for p in folder.iterdir() if p.name.endswith("-local-strict")),
            key=lambda n: tuple(int(x) for x in n[1:].split("-")[0].split(".")),
        )
        meta = json.loads((folder / newest / "objectmeta-meta-v1.json").read_text())
        definitions = json.loads((folder / newest / "_definitions.json").read_text())
        registry = Resource.from_contents(meta) @ (Resource.from_contents(definitions) @ Registry())
        return jsonschema.Draft202012Validator(meta, registry=registry)

    def problems(self, doc: dict[str, Any]) -> list[str]:
        """Why `doc` would be refused by an API server with these CRDs, if it would be."""
        key, where = kind_of(doc), name_of(doc)
        schema = self.crds.get(key)
        if schema is None and is_core(key[0]):
            return self.core_problems(doc)
        if schema is None:
            return [f"{where}: no schema for {key[1]} in {key[0]} (unknown kind or API version)"]
        found = [
            f"{where}: {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)
        ]
        found += [
            f"{where}: metadata/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in self.object_meta.iter_errors(doc.get("metadata", {}))
        ]
        return found

    def core_problems(self, doc: dict[str, Any]) -> list[str]:
        import kubernetes_validate

        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            return [f"{name_of(doc)}: no schema for {doc.get('kind')} in {doc.get('apiVersion')}"]
        except kubernetes_validate.ValidationError as e:
            return [f"{name_of(doc)}: {'/'.join(map(str, e.path))}: {e.message}"]
        return []


def is_core(api_version: str) -> bool:
    """Kubernetes' own API groups: "v1", "apps/v1", "batch/v1", "*.k8s.io/..."."""
    group = api_version.rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def schema_problems(
    docs: Iterable[dict[str, Any]],
    book: SchemaBook,
    allowed_without_schema: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    allowed = allowed_without_schema or {}
    return [p for doc in docs if kind_of(doc) not in allowed for p in book.problems(doc)]


def mutated(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(docs)
