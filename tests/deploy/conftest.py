"""Fixtures of the deployment tests: the tools, the schemas and the rendered manifests, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import deploy_checks as dc
import pytest


@pytest.fixture(scope="session")
def kustomize() -> str:
    found = dc.kustomize_path()
    dc.need(
        "kustomize",
        found is not None,
        "no kustomize binary (go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.1, see .ci/run)",
    )
    assert found
    return found


@pytest.fixture(scope="session")
def checkov() -> str:
    found = dc.checkov_path()
    dc.need(
        "checkov",
        found is not None,
        "no checkov (its own venv under ~/.cache/taskai-tools, see .ci/run)",
    )
    assert found
    return found


@pytest.fixture(scope="session")
def schema_book() -> dc.SchemaBook:
    shared, gateway_api = dc.crds_dir(), dc.gateway_api_crds_dir()
    dc.need("crds", shared is not None, "../shared/crds is missing (or set TASKAI_CRDS_DIR)")
    dc.need(
        "crds",
        gateway_api is not None,
        f"the Gateway API CRDs are missing (go mod download {dc.GATEWAY_API}, "
        "or set TASKAI_GATEWAY_API_CRDS)",
    )
    assert shared and gateway_api
    return dc.SchemaBook([shared, gateway_api])


@pytest.fixture(scope="session")
def rendered(kustomize: str) -> dict[str, list[dict[str, Any]]]:
    """`kustomize build knative/overlays/<env>` for each overlay."""
    return {
        overlay: dc.render(kustomize, dc.KNATIVE / "overlays" / overlay) for overlay in dc.OVERLAYS
    }


@pytest.fixture(scope="session")
def settings_keys() -> tuple[set[str], set[str]]:
    """The keys of the ConfigMap and of the Secret that terraform/modules/taskai creates."""
    resources = dc.hcl(dc.TERRAFORM / "modules" / "taskai" / "main.tf")["resource"]
    found: dict[str, set[str]] = {}
    for entry in resources:
        for kind, named in entry.items():
            for body in named.values():
                if dc.unquote(kind) in ("kubernetes_config_map_v1", "kubernetes_secret_v1"):
                    found[dc.unquote(kind)] = {dc.unquote(k) for k in body["data"]}
    return found["kubernetes_config_map_v1"], found["kubernetes_secret_v1"]


@pytest.fixture(scope="session")
def empty_plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("no-providers")


@pytest.fixture(scope="session")
def provider_mirror() -> Path:
    """../shared/terraform-providers unpacked once into a cache folder keyed by its sha256."""
    archive = dc.provider_archive()
    dc.need(
        "terraform-providers",
        archive is not None,
        f"../shared/terraform-providers/{dc.PROVIDERS_ARCHIVE} is missing "
        "(or set TASKAI_TERRAFORM_PROVIDERS to a filesystem-mirror archive)",
    )
    dc.need(
        "terraform-providers",
        dc.this_platform() == dc.PROVIDERS_PLATFORM,
        f"the mirror holds {dc.PROVIDERS_PLATFORM} builds and this machine is {dc.this_platform()}",
    )
    assert archive
    return dc.provider_mirror(archive)
