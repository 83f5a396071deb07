"""Where the CPU goes during a run, and waiting for a quiet machine (it may be shared)."""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path
from typing import Any

from lib.servers import Server

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu() -> dict[int, tuple[str, float]]:
    """Every process now: (command line, utime + stime in seconds)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            raw = (stat.parent / "cmdline").read_bytes()
            cmdline = raw.replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        found[int(stat.parent.name)] = (cmdline.strip(), seconds)
    return found


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICKS


class CpuWindow:
    """Where the CPU went during one run: our server, our database's backends, everyone else.

    Other sessions may share the machine (tests, servers): their CPU is reported as
    `other_cpu_cores` so that a disturbed run can be recognised (and --quiet-cores waits them out).
    """

    def __init__(self, database: str, server: Server | None = None):
        self.database, self.server_pids = database, set(server.pids() if server else [])
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.before, self.busy = process_cpu(), machine_busy_seconds()
        self.started = time.monotonic()

    def kind(self, pid: int, cmdline: str) -> str:
        if pid in self.server_pids:
            return "server"
        if pid == os.getpid():
            return "harness"
        if cmdline.startswith("postgres: "):
            # A backend reads "postgres: USER DATABASE HOST(PORT) STATE"; the server's own
            # processes (checkpointer, autovacuum, parallel workers, ...) count as PostgreSQL.
            words = cmdline.split()
            backend = len(words) >= 4 and (words[3].endswith(")") or words[3] == "[local]")
            return "other" if backend and words[2] != self.database else "postgres"
        if "postgres" in cmdline.split(" ", 1)[0]:  # the postmaster
            return "postgres"
        return "other"

    def close(self) -> dict[str, float]:
        wall = time.monotonic() - self.started
        after, busy = process_cpu(), machine_busy_seconds()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        used: dict[str, float] = {}
        for pid, (cmdline, seconds) in after.items():
            # A process that started meanwhile spent all its CPU in the window. (Pids, not
            # command lines, identify processes: a backend's command line shows its state.)
            kind = self.kind(pid, cmdline)
            used[kind] = used.get(kind, 0) + seconds - self.before.get(pid, ("", 0.0))[1]
        client = (children.ru_utime + children.ru_stime - self.children.ru_utime
                  - self.children.ru_stime)
        machine = (busy - self.busy) / wall
        server, other = used.get("server", 0) / wall, used.get("other", 0) / wall
        return {
            "machine_busy_cores": round(machine, 2),
            "server_cpu_cores": round(server, 2),
            "client_cpu_cores": round(client / wall, 2),  # wrk or pgbench
            "other_cpu_cores": round(other, 2),
            # the rest: PostgreSQL (whose pgbench backends are gone before we can read them),
            # the kernel's network work, and short-lived processes
            "postgres_and_rest_cpu_cores": round(
                max(0.0, machine - server - client / wall - other), 2),
            "server_cpu_seconds": used.get("server", 0),
        }


def wait_for_quiet(args: argparse.Namespace) -> float:
    """Wait (up to --quiet-timeout) for --quiet-seconds in a row in which other processes use
    at most --quiet-cores (nothing of ours runs meanwhile: the server is idle)."""
    if args.quiet_timeout <= 0:
        return 0.0
    started, quiet, shown = time.monotonic(), 0, -10.0
    while quiet < args.quiet_seconds:
        busy, t0 = machine_busy_seconds(), time.monotonic()
        time.sleep(1)
        load = (machine_busy_seconds() - busy) / (time.monotonic() - t0)
        quiet = quiet + 1 if load <= args.quiet_cores else 0
        waited = time.monotonic() - started
        if waited > args.quiet_timeout:
            print(f"  machine still busy ({load:.2f} cores by others) after {waited:.0f}s: "
                  "measuring anyway (see other_cpu_cores)", flush=True)
            break
        if quiet == 0 and waited - shown >= 10:
            print(f"  waiting for a quiet machine: {load:.2f} cores busy (others) ...", flush=True)
            shown = waited
    return round(time.monotonic() - started - args.quiet_seconds, 1)


def least_disturbed(args: argparse.Namespace, label: str, measure: Any) -> dict[str, Any]:
    """measure() after a quiet wait; repeated (up to --retries) while other processes took
    more than --quiet-cores during it. The least disturbed run is kept."""
    best: dict[str, Any] | None = None
    for attempt in range(args.retries + 1):
        waited = wait_for_quiet(args)
        result = {**measure(), "quiet_wait_s": waited, "attempt": attempt + 1}
        if best is None or result["other_cpu_cores"] < best["other_cpu_cores"]:
            best = result
        if result["other_cpu_cores"] <= args.quiet_cores:
            break
        if attempt < args.retries:
            print(f"  {label}: other processes used {result['other_cpu_cores']} cores meanwhile; "
                  "measuring again", flush=True)
    assert best is not None
    return best

