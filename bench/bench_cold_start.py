"""Cold start and import cost of the functions, as Knative starts them.

What it measures
  1. Cold start: the time from spawning
         functions-framework --source functions/<name>/main.py --target <name> --port N
     (DATABASE_URL and JWT_SECRET set, everything else at functions-framework's defaults) until `GET
     /health` answers 200, and the CPU its processes used by then (steadier than wall time on a
     shared machine); the same for `taskai serve` and `taskai dev` on SQLite in a fresh folder; each
     after a first, unmeasured start (it writes the bytecode, as an image has it, and migrates the
     embedded store); --runs times (default 5) each, median reported. For the tasks function,
     `serve` and `dev` also the first and second real request after that (`GET /api/tasks?limit=20`
     with a token), which pay what /health does not: the first database connection, the mapper
     configuration and the first SQL compilation.
  2. Import cost: `python -X importtime -c "import functions_framework"`, then, in fresh
     interpreters that have imported functions_framework, the extra time to load each function
     module from its file (importlib spec, as functions-framework does), with the packages that
     account for it. Medians of --runs fresh processes; `python -c pass` shown for reference.

Run from the repository root with the project's venv, e.g.

    python bench/bench_cold_start.py --database-url postgresql://taskai:taskai@127.0.0.1:54329/taskai_bench

The database must be migrated (`taskai migrate`) for the first-request measurement; a user
created for it is deleted again. Each run first waits (up to --quiet-timeout) for the machine
to be nearly idle, as it may be shared. Results also go to bench/results/cold_start.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
FUNCTIONS = tuple(sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py")))
SERVERS = ("serve", "dev")  # the embedded mode, on SQLite in a fresh folder (migrated once first)


def busy_cores(seconds: float = 1.0) -> float:
    """How many CPUs the whole machine kept busy over the next `seconds`."""
    def busy() -> float:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")

    before, t0 = busy(), time.monotonic()
    time.sleep(seconds)
    return (busy() - before) / (time.monotonic() - t0)


def wait_for_quiet(max_cores: float, timeout: float) -> float:
    """Wait until other processes leave the machine nearly idle for 3 seconds in a row (the
    machine may be shared); returns the load seen last."""
    deadline, quiet, load = time.monotonic() + timeout, 0, 0.0
    while quiet < 3 and time.monotonic() < deadline:
        load = busy_cores()
        quiet = quiet + 1 if load <= max_cores else 0
    return load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def functions_framework_command() -> list[str]:
    """The `functions-framework` script of this interpreter's environment (else `-m`)."""
    script = Path(sys.executable).parent / "functions-framework"
    if script.exists():
        return [str(script)]
    found = shutil.which("functions-framework")
    return [found] if found else [sys.executable, "-m", "functions_framework"]


def get(port: int, path: str, token: str | None = None, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group we started (functions-framework's gunicorn and its workers)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def group_cpu_ms(pgid: int) -> float:
    """CPU (user + system) used so far by the live processes of process group `pgid`, in ms:
    unlike wall time, it hardly moves when other work shares the machine."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == pgid:  # after ")": state ppid pgrp ... utime(12) stime(13)
            ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def command_for(name: str, port: int) -> list[str]:
    """How `name` is started: a function as Knative starts it, or `taskai serve` / `taskai dev`."""
    if name in SERVERS:
        taskai = str(Path(sys.executable).parent / "taskai")
        return [taskai, name, "--port", str(port), "--events-port", str(free_port())]
    return [*functions_framework_command(), "--source", str(ROOT / "functions" / name / "main.py"),
            "--target", name, "--host", "127.0.0.1", "--port", str(port)]


def cold_start(
    name: str, env: dict[str, str], token: str | None, timeout: float = 60, cwd: Path = ROOT
) -> dict[str, float]:
    """Spawn one function (or server) and time /health (and, given a token, the first tasks
    request); also the CPU its processes used until /health answered."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(command_for(name, port), env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{name} did not answer /health within {timeout}s")
            try:
                if get(port, "/health", timeout=1) == 200:
                    break
            except OSError:
                time.sleep(0.005)
        result = {"health_ms": (time.perf_counter() - started) * 1000,
                  "health_cpu_ms": group_cpu_ms(proc.pid)}
        if token:
            t0 = time.perf_counter()
            status = get(port, "/api/tasks?limit=20", token, timeout=30)
            result["first_request_ms"] = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            get(port, "/api/tasks?limit=20", token, timeout=30)
            result["second_request_ms"] = (time.perf_counter() - t0) * 1000
            if status != 200:
                raise RuntimeError(f"first request answered {status}")
        return result
    finally:
        stop(proc)


IMPORT_PROBE = """
import importlib.util, sys, time
t0 = time.perf_counter()
import functions_framework
t1 = time.perf_counter()
print("--- function module ---", file=sys.stderr, flush=True)
source = sys.argv[1]
if source:
    spec = importlib.util.spec_from_file_location("function_main", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.3f} {(t2 - t1) * 1000:.3f}")
"""


def import_probe(source: str) -> tuple[float, float, dict[str, float]]:
    """(ms to import functions_framework, extra ms for the module, self ms by package)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", IMPORT_PROBE, source],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    framework_ms, module_ms = (float(x) for x in done.stdout.split())
    packages: dict[str, float] = {}
    after = done.stderr.split("--- function module ---", 1)[1]
    for line in after.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        fields = line[len("import time:"):].split("|")
        self_us, name = fields[0].strip(), fields[2].strip()
        top = name.strip().split(".")[0]
        packages[top] = packages.get(top, 0) + int(self_us) / 1000
    return framework_ms, module_ms, packages


def importtime_framework() -> float:
    """`python -X importtime -c "import functions_framework"`: its cumulative line, in ms."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import functions_framework"],
                          capture_output=True, text=True, check=True)
    for line in reversed(done.stderr.splitlines()):
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        if len(parts) == 3 and parts[2] == "functions_framework":
            return int(parts[1]) / 1000
    raise RuntimeError("no functions_framework line in -X importtime output")


def interpreter_ms() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return (time.perf_counter() - t0) * 1000


def make_user(database_url: str, jwt_secret: str) -> tuple[Any, uuid.UUID, str] | None:
    """A user for the first-request measurement, and a token for it (None without a schema)."""
    from sqlalchemy import insert, inspect

    from taskai.adapters import orm
    from taskai.adapters.db import make_engine
    from taskai.adapters.security import TokenIssuer
    from taskai.config import Settings, normalize_database_url

    engine = make_engine(normalize_database_url(database_url), pool_size=1)
    if not inspect(engine).has_table("users"):
        engine.dispose()
        return None
    user_id, now = uuid.uuid4(), datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(orm.users).values(
            id=user_id, email=f"cold-start-{user_id.hex[:12]}@example.com", password_hash="-",
            name="cold start", timezone="UTC", change_seq=0, created_at=now))
    settings = Settings.from_env({"DATABASE_URL": database_url, "JWT_SECRET": jwt_secret})
    issuer = TokenIssuer(secret=jwt_secret, issuer=settings.jwt_issuer,
                         audience=settings.jwt_audience, ttl_seconds=settings.jwt_ttl_seconds)
    return engine, user_id, issuer.issue(user_id, now=now)


def make_embedded_user(data_dir: Path) -> tuple[Any, uuid.UUID, str]:
    """A user in the embedded store under `data_dir` (migrated by a first start), and a token
    signed with that install's secret: `serve` and `dev` time their first requests too."""
    secret = (data_dir / "jwt-secret").read_text().strip()
    made = make_user(f"sqlite:///{(data_dir / 'taskai.db').resolve()}", secret)
    assert made is not None, "the first start did not migrate the embedded store"
    return made


def drop_user(engine: Any, user_id: uuid.UUID) -> None:
    from sqlalchemy import delete

    from taskai.adapters import orm

    with engine.begin() as conn:
        conn.execute(delete(orm.users).where(orm.users.c.id == user_id))
    engine.dispose()


def embedded_env(env: dict[str, str]) -> tuple[dict[str, str], Path]:
    """The environment of the embedded mode (no DATABASE_URL) and a fresh folder to run in."""
    embedded = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "JWT_SECRET")}
    embedded.update(TASKAI_FUNCTIONS_DIR=str(ROOT / "functions"), TASKAI_WEB_DIR=str(ROOT / "web"))
    return embedded, Path(tempfile.mkdtemp(prefix="cold-start-"))


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1),
            "max": round(max(values), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="DATABASE_URL given to the functions (default $BENCH_DATABASE_URL)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--functions", default=",".join(FUNCTIONS + SERVERS),
                        help="functions to cold-start, comma-separated, and `serve` and `dev` for "
                             "`taskai serve` / `taskai dev` (default: every function, serve, dev)")
    parser.add_argument("--quiet-cores", type=float, default=0.3,
                        help="before each run, wait until the machine's other processes use at "
                             "most this many cores (the machine may be shared); default 0.3")
    parser.add_argument("--quiet-timeout", type=float, default=60,
                        help="seconds to wait for that at most, per run (default 60)")
    parser.add_argument("--results", type=Path, default=RESULTS / "cold_start.json")
    parser.add_argument("--checkout", type=Path,
                        help="measure another checkout (e.g. main, for a before/after)")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")
    names = [n for n in args.functions.split(",") if n]
    if args.checkout:  # another checkout's functions and library, with this venv's packages
        global ROOT
        ROOT = args.checkout.resolve()
        os.environ["PYTHONPATH"] = str(ROOT / "shared")

    jwt_secret = secrets.token_urlsafe(48)
    env = {**os.environ, "DATABASE_URL": args.database_url, "JWT_SECRET": jwt_secret}
    # Started as an installed image or a user's install runs: with bytecode, written by a first
    # unmeasured start (a shell's PYTHONDONTWRITEBYTECODE=1 made every start compile the
    # library's modules, about 60), into a folder of this run, so no checkout is written to
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.mkdtemp(prefix="cold-start-pycache-")))
    for name in ("WORKERS", "THREADS", "KAFKA_BOOTSTRAP_SERVERS"):
        env.pop(name, None)  # functions-framework's and TaskAI's defaults
    print(f"command: {' '.join(Path(c).name for c in functions_framework_command())} --source "
          f"functions/<name>/main.py --target <name> (WORKERS/THREADS at functions-framework's "
          f"defaults: 1 worker, {(os.cpu_count() or 1) * 4} threads)")

    report: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "cpus": os.cpu_count(), "runs": args.runs, "cold_start": {},
                              "imports": {}}
    user = make_user(args.database_url, jwt_secret)
    if user is None:
        print("(no schema in that database: skipping the first-request measurement)")
    try:
        print(f"\ncold start, {args.runs} runs each (ms):")
        for name in names:
            token = user[2] if user and name == "tasks" else None
            run_env, cwd = embedded_env(env) if name in SERVERS else (env, ROOT)
            embedded_user = None
            cold_start(name, run_env, None, cwd=cwd)  # writes the bytecode (and migrates)
            if name in SERVERS:  # that first start created and migrated the file
                embedded_user = make_embedded_user(cwd / "var")
                token = embedded_user[2]
            runs = []
            for _ in range(args.runs):
                load = wait_for_quiet(args.quiet_cores, args.quiet_timeout)
                runs.append({**cold_start(name, run_env, token, cwd=cwd),
                             "load_before_cores": load})
            measured = {key: summary([r[key] for r in runs]) for key in runs[0]
                        if key != "load_before_cores"}
            measured["load_before_cores"] = summary([r["load_before_cores"] for r in runs])
            report["cold_start"][name] = measured
            if embedded_user:
                embedded_user[0].dispose()
            line = ", ".join(f"{key.removesuffix('_ms')} median {v['median']} (min {v['min']}, "
                             f"max {v['max']})" for key, v in measured.items()
                             if key.endswith("_ms"))
            print(f"  {name:<6} {line}")
    finally:
        if user:
            drop_user(user[0], user[1])

    print(f"\nimports, median of {args.runs} fresh interpreters (ms):")
    wait_for_quiet(args.quiet_cores, args.quiet_timeout)
    start = summary([interpreter_ms() for _ in range(args.runs)])
    framework = summary([importtime_framework() for _ in range(args.runs)])
    report["imports"]["python -c pass (process start)"] = start
    report["imports"]["functions_framework (-X importtime cumulative)"] = framework
    print(f"  python -c pass (whole process, for reference)       {start['median']:8.1f}")
    print(f"  import functions_framework (-X importtime)          {framework['median']:8.1f}")
    for name in (n for n in names if n not in SERVERS):
        source = str(ROOT / "functions" / name / "main.py")
        wait_for_quiet(args.quiet_cores, args.quiet_timeout)
        probes = [import_probe(source) for _ in range(args.runs)]
        extra = summary([p[1] for p in probes])
        packages: dict[str, list[float]] = {}
        for probe in probes:
            for package, ms in probe[2].items():
                packages.setdefault(package, []).append(ms)
        top = sorted(((statistics.median(v), k) for k, v in packages.items()), reverse=True)[:8]
        report["imports"][f"functions/{name}/main.py beyond functions_framework"] = {
            **extra, "by_package_ms": {k: round(v, 1) for v, k in top}}
        print(f"  functions/{name}/main.py beyond functions_framework  {extra['median']:8.1f}  "
              f"(min {extra['min']}, max {extra['max']})")
        print("      self import time by package: " + ", ".join(f"{k} {v:.1f}" for v, k in top))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2) + "\n")
    shown = args.results.relative_to(ROOT) if args.results.is_relative_to(ROOT) else args.results
    print(f"\nwrote {shown}")


if __name__ == "__main__":
    main()
