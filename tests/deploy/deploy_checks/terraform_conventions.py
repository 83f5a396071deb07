"""The house rules of STYLE.md for Terraform modules and roots."""

from __future__ import annotations

import re
from pathlib import Path

from .terraform_config import blocks, hcl, unquote


def convention_problems(module: Path) -> list[str]:
    """The house rules of STYLE.md for a module or root."""
    found = [
        f"{module.name}: no {f}"
        for f in ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
        if not (module / f).is_file()
    ]
    for name, body in blocks(module, "variable"):
        for field in ("type", "description"):
            if not unquote(body.get(field, "")):
                found.append(f"variable {name}: no {field}")
        if (
            re.search(r"secret|password|api_key|private_key|database_url", name)
            and body.get("sensitive") is not True
        ):
            found.append(f"variable {name}: not marked sensitive")
    for name, body in blocks(module, "output"):
        if not unquote(body.get("description", "")):
            found.append(f"output {name}: no description")
    versions = hcl(module / "versions.tf") if (module / "versions.tf").is_file() else {}
    for block in versions.get("terraform", []):
        constraints = {"terraform": unquote(block.get("required_version", ""))}
        for providers in block.get("required_providers", []):
            constraints |= {
                k: unquote(v.get("version", ""))
                for k, v in providers.items()
                if not k.startswith("__")
            }
        for what, constraint in constraints.items():
            if not re.search(r"<|~>", constraint):
                found.append(f"{what} version {constraint!r} has no upper bound")
    return found


# Variables with no rule to check (every other one needs a validation block), and why.
FREE_FORM = {
    "kubeconfig": "a path on the operator's machine",
    "kube_context": "any context name of that kubeconfig",
    "platform_ready": "an opaque id from the platform module",
    "jwt_issuer": "any string; only compared for equality",
    "jwt_audience": "any string; only compared for equality",
    "resend_api_key": "opaque; empty means log reminders instead",
    "openai_api_key": "opaque; empty means the rule-based parser",
    "webhook_allow_private": "a bool: either value is valid",
}
# Variables an env root only passes to a module that validates them.
PASSED_THROUGH = {
    "image_repository",
    "image_tag",
    "public_host",
    "jwt_secret",
    "external_database_url",
    "vapid_private_key",
    "vapid_subject",
}


def validation_problems(module: Path, root: bool) -> list[str]:
    free = set(FREE_FORM) | (PASSED_THROUGH if root else set())
    return [
        f"variable {name}: no validation block (or list it in FREE_FORM with a reason)"
        for name, body in blocks(module, "variable")
        if not body.get("validation") and name not in free
    ]
