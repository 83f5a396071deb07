"""The tools and inputs the deployment checks need: kustomize, checkov, CRDs, Terraform providers."""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
KNATIVE = REPO / "knative"
TERRAFORM = REPO / "terraform"
OVERLAYS = ("dev", "prod")
TERRAFORM_ROOTS = ("envs/dev", "envs/prod")
TERRAFORM_MODULES = ("modules/platform", "modules/taskai")
TOOLS_CACHE = Path.home() / ".cache" / "taskai-tools"
GATEWAY_API = "sigs.k8s.io/gateway-api@v1.4.1"
PROVIDERS_ARCHIVE = "mirror-linux_amd64.tar.xz"  # in ../shared/terraform-providers/
PROVIDERS_PLATFORM = "linux_amd64"


def find_tool(name: str, env: str, cached: Path) -> str | None:
    """$env, else `name` on PATH, else the copy .ci/run installs under ~/.cache/taskai-tools."""
    for candidate in (os.environ.get(env), shutil.which(name), str(cached)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def kustomize_path() -> str | None:
    return find_tool("kustomize", "TASKAI_KUSTOMIZE", TOOLS_CACHE / "bin" / "kustomize")


def checkov_path() -> str | None:
    return find_tool("checkov", "TASKAI_CHECKOV", TOOLS_CACHE / "checkov" / "bin" / "checkov")


def crds_dir() -> Path | None:
    """../shared/crds beside the repository, or $TASKAI_CRDS_DIR."""
    for candidate in (REPO.parent / "shared" / "crds", os.environ.get("TASKAI_CRDS_DIR")):
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.yaml")):
            return Path(candidate)
    return None


def provider_archive() -> Path | None:
    """The provider mirror archive in ../shared/terraform-providers/, or $TASKAI_TERRAFORM_PROVIDERS."""
    for candidate in (
        os.environ.get("TASKAI_TERRAFORM_PROVIDERS"),
        REPO.parent / "shared" / "terraform-providers" / PROVIDERS_ARCHIVE,
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def this_platform() -> str:
    """Terraform's name of this machine's platform, e.g. linux_amd64."""
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def provider_mirror(archive: Path, cache: Path = TOOLS_CACHE / "terraform-providers") -> Path:
    """The archive unpacked once into cache/<its sha256>/ (checked against the SHA256SUMS beside
    it), with an `offline.tfrc` that installs providers only from there; reused when present."""
    target = cache / sha256_of(archive)[:16]
    if (target / "offline.tfrc").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=cache))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        sums = archive.parent / "SHA256SUMS"
        for line in sums.read_text().splitlines() if sums.is_file() else []:
            expected, name = line.split()
            if sha256_of(work / name) != expected:
                raise RuntimeError(f"{archive}: {name} does not match SHA256SUMS")
        (work / "offline.tfrc").write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{target}"\n'
            '    include = ["registry.terraform.io/*/*"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
        )
        work.rename(target)  # atomic: a second run (or a parallel one) sees all or nothing
    except OSError:
        if not (target / "offline.tfrc").is_file():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def mirror_versions(mirror: Path) -> dict[str, str]:
    """namespace/type -> version of each provider in an unpacked mirror."""
    return {
        f"{p.parts[-3]}/{p.parts[-2]}": p.parts[-1]
        for p in (mirror / "registry.terraform.io").glob("*/*/*")
        if (p / PROVIDERS_PLATFORM).is_dir()
    }


def gateway_api_crds_dir() -> Path | None:
    """The Gateway API CRDs of the Go module .ci/run downloads, or $TASKAI_GATEWAY_API_CRDS."""
    if os.environ.get("TASKAI_GATEWAY_API_CRDS"):
        found = Path(os.environ["TASKAI_GATEWAY_API_CRDS"])
        return found if found.is_dir() else None
    if not shutil.which("go"):
        return None
    cache = subprocess.run(
        ["go", "env", "GOMODCACHE"], capture_output=True, text=True
    ).stdout.strip()
    found = Path(cache) / GATEWAY_API / "config" / "crd" / "standard"
    return found if found.is_dir() else None
