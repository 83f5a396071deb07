"""Sample the server under load with py-spy (pip install py-spy) and print where its time goes.

py-spy attaches to the server's process tree (gunicorn master and workers, every thread) and
samples the Python stack of the thread holding the GIL (--gil), so the counts approximate the
server's Python CPU time (time waiting on sockets or the database is not in them); --nonblocking
reads the stacks without pausing the server.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib import ROOT
from lib.servers import Server

RATE = 200  # samples per second per thread
TRUNK = 0.9  # frames on this share of the samples are the request trunk, not a hotspot
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::\d+)?\)$")


def py_spy() -> str:
    """The py-spy executable beside this Python, or on PATH; exits saying how to install it."""
    beside = Path(sys.executable).parent / "py-spy"
    if beside.exists():
        return str(beside)
    return shutil.which("py-spy") or sys.exit("py-spy not found: pip install py-spy")


@dataclass
class Profile:
    """Collapsed stacks (root first) with their sample counts."""

    stacks: Counter[tuple[str, ...]]

    @classmethod
    def parse(cls, raw: str) -> Profile:
        """Read py-spy's raw format: `frame;frame;... count` a line (the process frame dropped)."""
        stacks: Counter[tuple[str, ...]] = Counter()
        for line in raw.splitlines():
            stack, _, count = line.rpartition(" ")
            frames = tuple(f for f in stack.split(";") if not f.startswith("process "))
            if frames and count.isdigit():
                stacks[frames] += int(count)
        return cls(stacks)

    @property
    def samples(self) -> int:
        return sum(self.stacks.values())

    def self_counts(self) -> Counter[str]:
        """Samples in which the function was running itself (the leaf frame)."""
        found: Counter[str] = Counter()
        for frames, n in self.stacks.items():
            found[frames[-1]] += n
        return found

    def cumulative_counts(self) -> Counter[str]:
        """Samples in which the function was on the stack (recursion counted once)."""
        found: Counter[str] = Counter()
        for frames, n in self.stacks.items():
            for frame in set(frames):
                found[frame] += n
        return found

    def area_counts(self) -> Counter[str]:
        """Self samples by package (taskai/<module>, sqlalchemy, pg8000, stdlib:<module>, ...)."""
        found: Counter[str] = Counter()
        for frame, n in self.self_counts().items():
            match = FRAME.match(frame)
            found[area_of(match.group("file") if match else frame)] += n
        return found


def area_of(filename: str) -> str:
    """A package-level label for a profiled function's file."""
    path = filename.replace("\\", "/")
    for marker in ("site-packages/", "/shared/taskai/", "/functions/", "/lib/python"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            if marker == "/shared/taskai/":
                return "taskai/" + rest.split("/", 1)[0].removesuffix(".py")
            if marker == "/functions/":
                return "functions/" + rest.split("/", 1)[0]
            if marker == "/lib/python":
                rest = rest.split("/", 1)[1] if "/" in rest else rest
                return "stdlib:" + rest.split("/", 1)[0].removesuffix(".py")
            return rest.split("/", 1)[0].removesuffix(".py")
    return "other"


def short(frame: str) -> str:
    """A frame with its file shown from site-packages/, the repository or the stdlib."""
    match = FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    path = re.sub(r"^.*/lib/python3\.\d+/", "", path)
    return f"{match.group('function')} ({path})"


def profiled(server: Server, out: Path, measure: Callable[[], dict[str, Any]]
             ) -> tuple[dict[str, Any], Profile]:
    """Run measure() while py-spy samples the server's tree; its result and the profile."""
    argv = [py_spy(), "record", "--pid", str(server.proc.pid), "--subprocesses", "--nonblocking",
            "--gil", "--function", "--full-filenames", "--rate", str(RATE), "--format", "raw",
            "-o", str(out)]
    spy = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        result = measure()
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        _, err = spy.communicate(timeout=60)
    if not out.exists():
        raise RuntimeError(f"py-spy wrote no profile: {err.decode(errors='replace')[-2000:]}")
    return result, Profile.parse(out.read_text())


def print_profile(label: str, profile: Profile, requests: int, top: int) -> None:
    """Print the top functions by cumulative and by self time, and self time by package, in
    % of samples and in ms of server time per request."""
    total, requests = max(profile.samples, 1), max(requests, 1)

    def row(name: str, n: int) -> str:
        return f"  {100 * n / total:5.1f} % {1000 * n / RATE / requests:7.3f} ms/req  {name}"

    print(f"\n[{label}] profile: {profile.samples} samples at {RATE}/s of GIL-holding threads "
          f"({profile.samples / RATE:.1f} s) for {requests} requests")
    cumulative = profile.cumulative_counts()
    # The trunk every request runs through (thread pool, gunicorn, Flask, functions-framework)
    # would fill the cumulative list; it is left out and counted.
    trunk = {frame for frame, n in cumulative.items() if n >= TRUNK * total}
    branches = Counter({frame: n for frame, n in cumulative.items() if frame not in trunk})
    for title, counts in ((f"cumulative time (below {len(trunk)} frames on >= "
                           f"{TRUNK:.0%} of samples)", branches),
                          ("self time", profile.self_counts())):
        print(f"[{label}] top {top} by {title}:")
        for frame, n in counts.most_common(top):
            print(row(short(frame), n))
    print(f"[{label}] self time by package:")
    for area, n in profile.area_counts().most_common(12):
        print(row(area, n))
