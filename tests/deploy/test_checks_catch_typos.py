"""The checks above fail on a typo: broken copies of the manifests and of terraform/ go through
the very same functions, and each is caught."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import deploy_checks as dc
import pytest

Docs = list[dict[str, Any]]


def first(docs: Docs, kind: str, name: str | None = None) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind and name in (None, d["metadata"]["name"]))


def copy_of(folder: Path, tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """A copy of `folder` with one replacement per file (which must apply)."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".terraform*"))
    for relative, (old, new) in edits.items():
        path = copy / relative
        text = path.read_text()
        assert old in text, f"{old!r} is not in {relative}: update this test"
        path.write_text(text.replace(old, new, 1))
    return copy


def test_a_misspelled_field_in_a_manifest_file_fails_schema_validation_after_rendering(
    tmp_path: Path, kustomize: str, schema_book: dc.SchemaBook
) -> None:
    knative = copy_of(
        dc.KNATIVE, tmp_path, {"base/tasks.yaml": ("containerConcurrency:", "containerConcurency:")}
    )
    docs = dc.render(kustomize, knative / "overlays" / "prod")
    problems = dc.schema_problems(docs, schema_book)
    assert any("Service/tasks" in p and "containerConcurency" in p for p in problems), problems


SCHEMA_TYPOS: dict[str, Callable[[Docs], None]] = {
    "unknown field in a probe": lambda d: first(d, "Service", "auth")["spec"]["template"]["spec"][
        "containers"
    ][0]["readinessProbe"]["httpGet"].update(pth="/health"),
    "misspelled metadata": lambda d: first(d, "PingSource")["metadata"].update(lables={}),
    "gone Strimzi API": lambda d: first(d, "KafkaTopic").update(
        apiVersion="kafka.strimzi.io/v1beta2"
    ),
    "wrong type": lambda d: first(d, "KafkaTopic")["spec"].update(partitions="three"),
    "unknown route filter field": lambda d: first(d, "HTTPRoute", "taskai-api")["spec"]["rules"][
        0
    ].update(filter=[]),
    "core kind with a typo": lambda d: d.append(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "dta": {"a": "b"}}
    ),
}


@pytest.mark.parametrize("typo", sorted(SCHEMA_TYPOS))
def test_a_typo_in_a_rendered_manifest_fails_schema_validation(
    typo: str, rendered: dict[str, Docs], schema_book: dc.SchemaBook
) -> None:
    docs = dc.mutated(rendered["prod"])
    SCHEMA_TYPOS[typo](docs)
    assert dc.schema_problems(docs, schema_book) != []


def env(docs: Docs, service: str, name: str) -> dict[str, Any]:
    return next(
        e for e in dc.container(first(docs, "Service", service))["env"] if e["name"] == name
    )


WIRING_TYPOS: dict[str, Callable[[Docs], None]] = {
    "topic": lambda d: first(d, "KafkaSource", "recurrence")["spec"].update(topics=["task-event"]),
    "sink": lambda d: first(d, "KafkaSource", "recurrence")["spec"]["sink"]["ref"].update(
        name="recurence"
    ),
    "dead-letter sink": lambda d: first(d, "KafkaSource", "notifications")["spec"]["delivery"][
        "deadLetterSink"
    ]["ref"].update(name="dead-leters"),
    "backoff policy": lambda d: first(d, "KafkaSource")["spec"]["delivery"].update(
        backoffPolicy="exponentail"
    ),
    "ping schedule": lambda d: first(d, "PingSource")["spec"].update(schedule="* * * *"),
    "image": lambda d: dc.container(first(d, "Service", "tags")).update(
        image="registry.example.com/taskai/taskia:0.1.0"
    ),
    "function target": lambda d: env(d, "tags", "FUNCTION_TARGET").update(value="tag"),
    "visibility": lambda d: first(d, "Service", "recurrence")["metadata"]["labels"].pop(
        "networking.knative.dev/visibility"
    ),
    "min-scale": lambda d: first(d, "Service", "tasks")["spec"]["template"]["metadata"][
        "annotations"
    ].update({"autoscaling.knative.dev/min-scale": "1"}),
    "probe path": lambda d: dc.container(first(d, "Service", "auth"))["livenessProbe"][
        "httpGet"
    ].update(path="/healthz"),
    "route prefix": lambda d: first(d, "HTTPRoute", "taskai-api")["spec"]["rules"][0]["matches"][0][
        "path"
    ].update(value="/api/auht"),
    "route host": lambda d: first(d, "HTTPRoute", "taskai-api")["spec"]["rules"][2]["filters"][0][
        "urlRewrite"
    ].update(hostname="tag.taskai.svc.cluster.local"),
    "topic retention": lambda d: first(d, "KafkaTopic")["spec"]["config"].update(
        {"retention.ms": 60480000}
    ),
}


@pytest.mark.parametrize("typo", sorted(WIRING_TYPOS))
def test_a_typo_in_the_wiring_fails_the_cross_checks(typo: str, rendered: dict[str, Docs]) -> None:
    docs = dc.mutated(rendered["prod"])
    WIRING_TYPOS[typo](docs)
    assert dc.wiring_problems(docs) != []


SETTINGS_TYPOS: dict[str, Callable[[Docs], None]] = {
    "secret key": lambda d: env(d, "auth", "JWT_SECRET")["valueFrom"]["secretKeyRef"].update(
        key="JWT_SECRT"
    ),
    "env name": lambda d: env(d, "tasks", "DATABASE_URL").update(name="DATABASE_URI"),
    "secret name": lambda d: env(d, "ai", "OPENAI_API_KEY")["valueFrom"]["secretKeyRef"].update(
        name="taskai-secret"
    ),
    "config map name": lambda d: dc.container(first(d, "Service", "tags"))["envFrom"][0][
        "configMapRef"
    ].update(name="taskai-confg"),
    "missing function secret": lambda d: dc.container(first(d, "Service", "notifications"))[
        "env"
    ].pop(),
    "secret on a function that does not need it": lambda d: dc.container(
        first(d, "Service", "tasks")
    )["env"].append(env(d, "auth", "VAPID_PRIVATE_KEY")),
    "secret written in the manifest": lambda d: env(d, "auth", "VAPID_PRIVATE_KEY").update(
        value="MHcCAQEEIB", valueFrom={}
    ),
}


@pytest.mark.parametrize("typo", sorted(SETTINGS_TYPOS))
def test_a_typo_in_the_settings_wiring_fails_the_settings_check(
    typo: str, rendered: dict[str, Docs], settings_keys: tuple[set[str], set[str]]
) -> None:
    docs = dc.mutated(rendered["prod"])
    SETTINGS_TYPOS[typo](docs)
    assert dc.settings_problems(docs, *settings_keys) != []


def test_a_settings_key_misspelled_in_terraform_fails_the_settings_check(
    rendered: dict[str, Docs],
) -> None:
    config, secret = dc.SETTINGS - dc.SECRET_SETTINGS - dc.EMBEDDED_ONLY, set(dc.SECRET_SETTINGS)
    config = (config - {"LOG_LEVEL"}) | {"LOG_LEVL"}
    assert any("LOG_LEVEL" in p for p in dc.settings_problems(rendered["prod"], config, secret))


LOAD_TYPOS = {
    "block type": (
        "modules/taskai/variables.tf",
        ('variable "environment"', 'varable "environment"'),
    ),
    "argument": ("modules/platform/variables.tf", ("description = ", "descripton = ")),
    "module input": (
        "envs/dev/main.tf",
        ("public_host             =", "public_hots             ="),
    ),
    "module source": ("envs/prod/main.tf", ('"../../modules/taskai"', '"../../modules/taskia"')),
    "version constraint": (
        "modules/taskai/versions.tf",
        ('">= 0.9.6, < 1.0.0"', '">= 0.9.6, < 1.0.0,"'),
    ),
    "unclosed block": (
        "modules/platform/outputs.tf",
        ("value       = local.gateway_class\n}", "value = local.gateway_class\n"),
    ),
}


@pytest.mark.parametrize("typo", sorted(LOAD_TYPOS))
def test_a_typo_in_a_tf_file_fails_the_real_engine(
    typo: str, tmp_path: Path, empty_plugin_dir: Path
) -> None:
    relative, edit = LOAD_TYPOS[typo]
    tree = copy_of(dc.TERRAFORM, tmp_path, {relative: edit})
    root = "envs/prod" if relative.startswith("envs/prod") else "envs/dev"
    assert dc.load_problems(tree, root, empty_plugin_dir) != []


def test_an_unformatted_tf_file_fails_terraform_fmt(tmp_path: Path) -> None:
    tree = copy_of(
        dc.TERRAFORM,
        tmp_path,
        {"modules/taskai/outputs.tf": ('  value       = "https://', '  value = "https://')},
    )
    assert dc.fmt_problems(tree) == ["not formatted: modules/taskai/outputs.tf"]


REFERENCE_TYPOS = {
    "variable": ("modules/taskai/main.tf", ("var.public_host }", "var.public_hots }")),
    "local": ("modules/platform/main.tf", ("local.kafka_cluster\n", "local.kafka_clustr\n")),
    "module output": (
        "envs/dev/outputs.tf",
        ("module.taskai.public_url", "module.taskai.public_uri"),
    ),
    "function": ("modules/taskai/main.tf", ("substr(sha256(", "substring(sha256(")),
}


@pytest.mark.parametrize("typo", sorted(REFERENCE_TYPOS))
def test_a_dangling_reference_in_a_tf_file_fails_the_reference_check(
    typo: str, tmp_path: Path
) -> None:
    relative, edit = REFERENCE_TYPOS[typo]
    tree = copy_of(dc.TERRAFORM, tmp_path, {relative: edit})
    module = tree / Path(relative).parent
    assert dc.reference_problems(module, dc.terraform_functions()) != []


CONVENTION_BREAKS = {
    "provider without upper bound": (
        "modules/platform/versions.tf",
        ('">= 3.4.0, < 4.0.0"', '">= 3.4.0"'),
    ),
    "untyped variable": ("modules/platform/variables.tf", ("  type        = number\n", "")),
    "secret not sensitive": (
        "modules/taskai/variables.tf",
        (
            "  sensitive   = true\n\n  validation {\n    condition     = length(var.jwt_secret)",
            "\n  validation {\n    condition     = length(var.jwt_secret)",
        ),
    ),
    "private key not sensitive": (
        "modules/taskai/variables.tf",
        (
            '  sensitive   = true\n  default     = ""\n\n  validation {\n    condition     = can(regex("^(|-----BEGIN',
            '  default     = ""\n\n  validation {\n    condition     = can(regex("^(|-----BEGIN',
        ),
    ),
    "undescribed output": (
        "envs/prod/outputs.tf",
        ('  description = "The public origin of TaskAI."\n', ""),
    ),
}


@pytest.mark.parametrize("typo", sorted(CONVENTION_BREAKS))
def test_a_broken_convention_fails_the_structure_check(typo: str, tmp_path: Path) -> None:
    relative, edit = CONVENTION_BREAKS[typo]
    tree = copy_of(dc.TERRAFORM, tmp_path, {relative: edit})
    assert dc.convention_problems(tree / Path(relative).parent) != []


def test_a_dropped_validation_block_fails_the_validation_check(tmp_path: Path) -> None:
    text = (dc.TERRAFORM / "modules" / "taskai" / "variables.tf").read_text()
    block = text[text.index('variable "bcrypt_rounds"') :]
    block = block[: block.index("\n}\n") + 3]
    without = block[: block.index("\n  validation {")] + "\n}\n"
    tree = copy_of(dc.TERRAFORM, tmp_path, {"modules/taskai/variables.tf": (block, without)})
    assert dc.validation_problems(tree / "modules" / "taskai", root=False) == [
        "variable bcrypt_rounds: no validation block (or list it in FREE_FORM with a reason)"
    ]


def test_a_failed_checkov_check_is_reported(tmp_path: Path, checkov: str) -> None:
    broken = tmp_path / "Dockerfile"
    broken.write_text('FROM python:latest\nRUN pip install flask\nCMD ["flask"]\n')
    reports = dc.run_checkov(checkov, ["--file", str(broken), "--framework", "dockerfile"])
    assert any("CKV_DOCKER_7" in p for p in dc.checkov_problems(reports))


def test_a_lock_that_breaks_a_pyproject_bound_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import test_container_image as image

    pins = dc.lock_pins() | {"pyjwt": "1.7.1"}
    monkeypatch.setattr(dc, "lock_pins", lambda: pins)
    with pytest.raises(AssertionError, match="pyjwt"):
        image.test_the_lock_pins_every_runtime_dependency_within_pyproject_bounds()


# Typos that load, format and resolve fine: only the providers' schemas (terraform validate) or
# the engine's evaluation rules with those schemas catch them.
SCHEMA_TF_TYPOS = {
    "misspelled resource argument": (
        "modules/taskai/main.tf",
        ("ttl_seconds_after_finished = 86400", "ttl_second_after_finished = 86400"),
        "Unsupported argument",
    ),
    "wrong block type": (
        "modules/taskai/main.tf",
        ("  images {", "  image {"),
        "Unsupported block",
    ),
    "block written as an argument": (
        "modules/taskai/main.tf",
        ("  kustomize_options {", "  kustomize_options = {"),
        "Unsupported argument",
    ),
    "wrong attribute type": (
        "modules/platform/main.tf",
        ("length  = 40", 'length  = "forty"'),
        "Incorrect attribute value type",
    ),
    "sensitive for_each": (
        "modules/platform/main.tf",
        (
            "run_postgres = nonsensitive(var.external_database_url == null)",
            "run_postgres = var.external_database_url == null",
        ),
        "Invalid for_each argument",
    ),
}


@pytest.mark.parametrize("typo", sorted(SCHEMA_TF_TYPOS))
def test_a_typo_only_provider_schemas_catch_fails_terraform_validate(
    typo: str, tmp_path: Path, empty_plugin_dir: Path, provider_mirror: Path
) -> None:
    relative, edit, error = SCHEMA_TF_TYPOS[typo]
    tree = copy_of(dc.TERRAFORM, tmp_path, {relative: edit})
    module = tree / Path(relative).parent
    assert dc.load_problems(tree, "envs/dev", empty_plugin_dir) == []
    assert dc.reference_problems(module, dc.terraform_functions()) == []
    problems = dc.validate_problems(tree, "envs/dev", provider_mirror)
    assert any(error in p and Path(relative).name in p for p in problems), problems
