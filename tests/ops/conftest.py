"""Fixtures of the operator CLI tests: a Kubernetes API stand-in per test, and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cluster_objects
import pytest
from kube_standin import KubeStandin, Run

from taskai import cli


@pytest.fixture
def healthy() -> Iterator[KubeStandin]:
    with KubeStandin(cluster_objects.healthy()) as standin:
        yield standin


@pytest.fixture
def broken() -> Iterator[KubeStandin]:
    with KubeStandin(cluster_objects.broken()) as standin:
        yield standin


@pytest.fixture
def taskai(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """`taskai cluster <args>` against a stand-in: (exit code, stdout, stderr)."""

    def run(standin: KubeStandin | None, *args: str) -> tuple[int, str, str]:
        config = (
            ["--kubeconfig", str(standin.kubeconfig(tmp_path / "kubeconfig"))] if standin else []
        )
        capsys.readouterr()
        code = cli.main(["cluster", *args, *config])
        out, err = capsys.readouterr()
        return code, out, err

    return run
