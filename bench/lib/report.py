"""Formatting results and recording what was measured."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

from lib import ROOT

__all__ = ["fmt", "fmt_cpu", "git_state", "print_table", "version"]


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the work tree differed from it."""
    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"),
            "changed_files": len(git("status", "--porcelain").splitlines())}


def fmt(r: dict[str, Any]) -> str:
    """One line for a run_wrk result: req/s, p50/p99 ms, errors, CPU cores, server ms/request."""
    return (f"{r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
            f"errors {r['errors']}; {fmt_cpu(r)}, {r['server_cpu_ms_per_request']} ms server CPU "
            "per request")


def fmt_cpu(r: dict[str, Any]) -> str:
    """Where the CPU went during a run, in cores (a CpuWindow's numbers)."""
    return (f"CPU cores: machine {r['machine_busy_cores']}, server {r.get('server_cpu_cores', 0)}, "
            f"client {r['client_cpu_cores']}, postgres+rest {r['postgres_and_rest_cpu_cores']}, "
            f"others {r['other_cpu_cores']}")


def print_table(head: Sequence[str], rows: Sequence[Sequence[str]], width: int = 13) -> None:
    """Print a right-aligned table of already formatted cells, `width` characters a column."""
    print("\n" + " | ".join(f"{h:>{width}}" for h in head))
    print("-" * ((width + 3) * len(head)))
    for cells in rows:
        print(" | ".join(f"{c:>{width}}" for c in cells))
