"""The image: how it is built, what it pins, and each function started exactly as its CMD does."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import deploy_checks as dc
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # python:*-slim's PATH


def runtime_requirements() -> list[Requirement]:
    """pyproject's dependencies, the extras the image installs (all) and gunicorn."""
    project = tomllib.loads((dc.REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    for extra in ("kafka", "email", "ai"):
        requirements += [Requirement(r) for r in extras[extra]]
    requirements += [Requirement(r) for r in extras["test"] if r.startswith("gunicorn")]
    return requirements


def test_the_image_is_built_in_two_stages_from_one_pinned_slim_python() -> None:
    stages = dc.dockerfile_stages((dc.REPO / "Dockerfile").read_text())
    bases = {stage["from"] for stage in stages}
    assert len(stages) >= 2 and len(bases) == 1, bases
    (base,) = bases
    assert base.startswith("python:") and "-slim" in base and ":latest" not in base, base
    assert len(base.split(":")[1].split("-")[0].split(".")) == 3, f"{base}: pin the patch version"


def test_the_final_stage_runs_as_a_non_root_user_without_pip_or_build_tools() -> None:
    stage = dc.runtime_stage()
    run = " ".join(args for keyword, args in stage["instructions"] if keyword == "RUN")
    users = [args for keyword, args in stage["instructions"] if keyword == "USER"]
    copies = [
        args for keyword, args in stage["instructions"] if keyword == "COPY" and "--from" in args
    ]
    assert users and users[-1].split(":")[0].isdigit() and users[-1].split(":")[0] != "0", users
    assert "pip uninstall" in run and "apt-get" not in run, run
    assert copies == ["--from=build /opt/venv /opt/venv"], copies


def test_the_command_sets_workers_and_threads_explicitly() -> None:
    stage = dc.runtime_stage()
    script = stage["files"]["/usr/local/bin/taskai-serve"]
    assert ("CMD", '["taskai-serve"]') in stage["instructions"]
    assert '--workers "${WORKERS:-1}"' in script and '--threads "${THREADS:-8}"' in script
    assert stage["env"]["WORKERS"].isdigit() and stage["env"]["THREADS"].isdigit()


def test_the_lock_pins_every_runtime_dependency_within_pyproject_bounds() -> None:
    pins = dc.lock_pins()
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not pinned in the Dockerfile's requirements.lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside pyproject's {requirement}"
        )


# Locked packages with no wheel on PyPI: the Dockerfile builds each from its source archive.
SOURCE_BUILT = {"http-ece"}


def test_the_lock_is_closed_pip_resolves_it_to_exactly_itself(tmp_path: Path) -> None:
    """What `pip check` proves at build time, asked of pip's resolver for the image's platform
    (the source-only packages built into wheels first, as the Dockerfile does)."""
    pins = dc.lock_pins()
    assert set(pins) >= SOURCE_BUILT
    assert "--find-links=/build/source-built" in (dc.REPO / "Dockerfile").read_text()
    lock = tmp_path / "requirements.lock"
    lock.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()))
    report, built = tmp_path / "report.json", tmp_path / "source-built"
    wheel = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--no-binary=:all:"]
        + ["--disable-pip-version-check", "--wheel-dir", str(built)]
        + [f"{name}=={pins[name]}" for name in sorted(SOURCE_BUILT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    offline = any(
        word in wheel.stderr for word in ("NewConnectionError", "Could not fetch", "ConnectTimeout")
    )
    dc.need("pypi", not offline, "PyPI is unreachable")
    assert wheel.returncode == 0, wheel.stderr
    platforms = [f"--platform=manylinux_2_{v}_x86_64" for v in (36, 34, 28, 17, 5)]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            f"--find-links={built}",
            "--python-version=3.12",
            "--implementation=cp",
            *platforms,
            "--target",
            str(tmp_path / "target"),
            "--report",
            str(report),
            "-r",
            str(lock),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    offline = any(
        word in result.stderr
        for word in ("NewConnectionError", "Could not fetch", "ConnectTimeout")
    )
    dc.need("pypi", not offline, "PyPI is unreachable")
    assert result.returncode == 0, result.stderr
    resolved = {
        canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"]
        for i in json.loads(report.read_text())["install"]
    }
    assert resolved == pins


def test_the_build_context_is_only_what_the_image_needs() -> None:
    lines = [
        line
        for line in (dc.REPO / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "*", "ignore everything, then allow the few inputs"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = {
        args.split()[-2].rstrip("/")
        for stage in dc.dockerfile_stages((dc.REPO / "Dockerfile").read_text())
        for keyword, args in stage["instructions"]
        if keyword == "COPY" and "--from" not in args and "<<" not in args
    }
    copied = {part for args in copied for part in args.split()} - {"./"}
    assert copied <= allowed, f"COPY needs {copied - allowed} but .dockerignore leaves them out"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def image_environment(tmp_path: Path, target: str, port: int) -> tuple[dict[str, str], Path]:
    """The final stage's ENV and CMD, with the image's paths mapped onto this machine: /opt/venv
    is this interpreter's environment, /usr/local/bin holds the heredoc'd serve script, and the
    working directory holds functions/ like /app does."""
    stage = dc.runtime_stage()
    bin_dir, app = tmp_path / "bin", tmp_path / "app"
    bin_dir.mkdir()
    app.mkdir()
    (app / "functions").symlink_to(dc.REPO / "functions")
    script = bin_dir / "taskai-serve"
    script.write_text(stage["files"]["/usr/local/bin/taskai-serve"])
    script.chmod(0o755)
    env = {"HOME": str(tmp_path), "PATH": BASE_PATH}
    for key, value in stage["env"].items():
        env[key] = value.replace("$PATH", env["PATH"])
    env["PATH"] = env["PATH"].replace("/opt/venv/bin", str(Path(sys.executable).parent))
    env["PATH"] = env["PATH"].replace("/usr/local/bin", f"{bin_dir}:/usr/local/bin")
    # What Knative and the ConfigMap add: the port, the function, and (no database here) the
    # embedded mode's data folder.
    env |= {
        "PORT": str(port),
        "FUNCTION_TARGET": target,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
    }
    return env, app


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.mark.parametrize("service", sorted(dc.FUNCTIONS))
def test_each_function_answers_health_when_started_exactly_as_the_image_starts_it(
    service: str, tmp_path: Path
) -> None:
    target = dc.FUNCTIONS[service]["target"]
    assert (dc.REPO / "functions" / target / "main.py").is_file(), f"a Service runs {target}"
    port = free_port()
    env, app = image_environment(tmp_path, target, port)
    cmd = json.loads(
        next(args for keyword, args in dc.runtime_stage()["instructions"] if keyword == "CMD")
    )
    process = subprocess.Popen(
        cmd, cwd=app, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline, status, body = time.monotonic() + 30, 0, b""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body = get(f"http://127.0.0.1:{port}/health")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        assert status == 200, (
            f"GET /health of {target} answered {status} {body[:200]!r}: the readiness and liveness "
            "probes need 200 (a @cloud_event function has no GET route; serve /health too)"
        )
    finally:
        process.send_signal(signal.SIGTERM)  # what Kubernetes sends; gunicorn drains and exits 0
        try:
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0, f"{target} did not shut down cleanly on SIGTERM (exit {code})"


def test_the_command_refuses_to_start_without_a_function_target(tmp_path: Path) -> None:
    env, app = image_environment(tmp_path, "tasks", free_port())
    del env["FUNCTION_TARGET"]
    result = subprocess.run(
        ["taskai-serve"], cwd=app, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode != 0 and "FUNCTION_TARGET" in result.stderr


def test_the_migration_command_exists_in_the_image_environment(tmp_path: Path) -> None:
    env, app = image_environment(tmp_path, "tasks", free_port())
    result = subprocess.run(
        ["taskai", "migrate", "--help"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert os.access(Path(sys.executable).parent / "taskai", os.X_OK)
