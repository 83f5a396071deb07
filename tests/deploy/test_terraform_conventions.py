"""The module conventions of STYLE.md, checked on the parsed HCL (python-hcl2)."""

from __future__ import annotations

import deploy_checks as dc
import pytest


@pytest.mark.parametrize("root", dc.TERRAFORM_ROOTS + dc.TERRAFORM_MODULES)
def test_each_module_has_its_four_files_typed_described_variables_and_bounded_providers(
    root: str,
) -> None:
    assert dc.convention_problems(dc.TERRAFORM / root) == []


@pytest.mark.parametrize("root", dc.TERRAFORM_ROOTS + dc.TERRAFORM_MODULES)
def test_every_variable_with_a_rule_has_a_validation_block(root: str) -> None:
    assert dc.validation_problems(dc.TERRAFORM / root, root in dc.TERRAFORM_ROOTS) == []


@pytest.mark.parametrize("root", dc.TERRAFORM_ROOTS)
def test_each_environment_calls_both_modules_and_outputs_the_public_url(root: str) -> None:
    folder = dc.TERRAFORM / root
    calls = {name: dc.unquote(body["source"]) for name, body in dc.blocks(folder, "module")}
    assert calls == {"platform": "../../modules/platform", "taskai": "../../modules/taskai"}
    outputs = dict(dc.blocks(folder, "output"))
    assert outputs["public_url"]["value"] == "${module.taskai.public_url}"


def test_the_settings_secret_is_built_only_from_sensitive_variables() -> None:
    module = dc.TERRAFORM / "modules" / "taskai"
    variables = dict(dc.blocks(module, "variable"))
    resources = dc.hcl(module / "main.tf")["resource"]
    secret = next(
        body
        for entry in resources
        for kind, named in entry.items()
        if dc.unquote(kind) == "kubernetes_secret_v1"
        for body in named.values()
    )
    for key, value in secret["data"].items():
        variable = value.removeprefix("${var.").removesuffix("}")
        assert variables[variable].get("sensitive") is True, f"{key} comes from {value}"
