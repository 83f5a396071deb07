"""The server under test: a process tree of its own, its start time and its memory."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from lib import ROOT


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(port: int, proc: subprocess.Popen[bytes], path: str = "/health",
                 timeout: float = 60) -> None:
    """Return once GET path answers 200; RuntimeError if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"server did not answer {path} in time")


def children_of() -> dict[int, list[int]]:
    """Every process's children now: {ppid: [pid, ...]}."""
    found: dict[int, list[int]] = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found.setdefault(int(fields[1]), []).append(int(path.parent.name))
    return found


class Server:
    """One server process tree (its own session, so we can stop all of it); `started_s` is the
    time from spawn to the first 200 on `health`."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path, port: int,
                 health: str = "/health", cwd: Path = ROOT):
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        spawned = time.perf_counter()
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.port = port
        try:
            wait_healthy(port, self.proc, health)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"{argv[0]} did not start; its log:\n"
                               f"{log_path.read_text(errors='replace')[-3000:]}") from None
        self.started_s = time.perf_counter() - spawned

    def wait_workers(self, workers: int, timeout: float = 30) -> None:
        """Return once the master has forked all its workers (the first may answer alone)."""
        deadline = time.monotonic() + timeout
        while len(self.pids()) < workers + 1 and time.monotonic() < deadline:
            time.sleep(0.05)

    def pids(self) -> list[int]:
        """The process and all its descendants (a gunicorn master and its workers)."""
        tree, found = children_of(), [self.proc.pid]
        for pid in found:  # grows while we walk it
            found.extend(tree.get(pid, []))
        return found

    def rss_mb(self) -> float:
        """Resident memory of the whole tree in MB (VmRSS summed: shared pages count twice)."""
        total_kb = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
        return round(total_kb / 1024, 1)

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL after 15 s; close the log."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


class Pods:
    """Several single-worker servers measured as one, as Knative runs a function's pods: the
    pids, memory and stop of them all; `proc` and `port` are the first one's."""

    def __init__(self, servers: list[Server]):
        self.servers = servers
        self.proc, self.port = servers[0].proc, servers[0].port
        self.ports = tuple(server.port for server in servers)

    def pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.pids()]

    def rss_mb(self) -> float:
        return round(sum(server.rss_mb() for server in self.servers), 1)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
