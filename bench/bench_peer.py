"""TaskAI beside a peer task server (Vikunja, in Go), the same workload on both, in one run.

What it measures, per store (SQLite, then PostgreSQL with --database-url) and per server
  1. Start the server as a user runs it, on an empty store (it migrates), make one account,
     and seed --tasks tasks (default 5,000), each with 2 of 12 labels/tags, a title and
     description of Zipf-weighted words, 65 % with a due date. Seeding goes through each
     server's HTTP API (4 clients, a failed request retried): Vikunja's schema is not ours to
     write, and the API is the one path both servers share. TaskAI's account is inserted in its
     database and its token minted (its auth is another function on PostgreSQL); Vikunja's is
     registered and logged in through its API.
     On PostgreSQL the seeded database is then VACUUM ANALYZEd, as autovacuum would do within
     its first minute: a read straight after thousands of inserts into new tables was planned
     without statistics (a filtered list took 113 ms instead of 6.6, and runs drew lots).
  2. Restart it: start -> first 200 (TaskAI /health, Vikunja /api/v1/info) and idle RSS.
  3. --clients connections (default 16) of wrk for --duration s (default 20, after --warmup) of
     (a) create a task (TaskAI: with 2 tags in the request; Vikunja: its create takes no
         labels, they would be a second request, so its create does less),
     (b) list filtered by one label, sorted by due date ascending, 50 a page,
     (c) one-word search, 50 a page,
     reads first; each run waits for a quiet machine as bench_api does (--quiet-*).
  4. RSS after the load, then a table: successful req/s (2xx), TaskAI/Vikunja ratio, p50/p99,
     errors, start -> first 200, RSS idle and after load; JSON in bench/results/peer.json.

TaskAI runs as a user runs it: `taskai serve` (gunicorn, a worker per core), on SQLite
(embedded) and on PostgreSQL, where the bench migrates the database first as `taskai migrate`
would. --taskai-cmd replaces both, e.g. the tasks function alone under functions-framework:
--taskai-cmd '{python} -m functions_framework --target tasks --source
{root}/functions/tasks/main.py --port {port}' ({python}, {bin}, {root}, {port} are filled in;
DATABASE_URL is set only for PostgreSQL, DATA_DIR for SQLite, JWT_SECRET always; WORKERS and
THREADS from --workers/--threads, which only functions-framework reads).

Run (from the repository root, with the project's venv; PostgreSQL databases named
<database>_taskai and <database>_vikunja are created and dropped, so the name must contain
"bench"):

    python bench/bench_peer.py --vikunja /tmp/vikunja/vikunja \\
        --database-url postgresql://taskai:taskai@127.0.0.1:54329/peer_bench

    # without --vikunja: TaskAI alone; --stores sqlite (or postgresql) for one store;
    # --profile samples TaskAI with py-spy during each measured run (top functions per phase)
"""

from __future__ import annotations

import argparse
import http.client
import json
import lzma
import os
import random
import secrets
import shlex
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import insert
from sqlalchemy.engine import URL

from lib import RESULTS, ROOT
from lib.database import analyze_database, drop_database, sqlalchemy_url
from lib.machine import least_disturbed
from lib.profiling import print_profile, profiled
from lib.report import fmt, git_state, print_table
from lib.seeding import SEARCH_RANKS, TAGS, VOCABULARY
from lib.servers import Server, free_port
from lib.wrk import Request, run_wrk, write_lua
from taskai.adapters import orm
from taskai.adapters.db import make_engine
from taskai.adapters.migrate import upgrade
from taskai.adapters.security import TokenIssuer, hash_password
from taskai.config import Settings

PHASES = ("list", "search", "create")  # reads first, on the seed as it was made
LABELS = tuple(TAGS)  # 12 names
SEARCH_WORDS = [VOCABULARY[rank] for rank in SEARCH_RANKS]
SERVE = "{bin}/taskai serve --host 127.0.0.1 --port {port} --events-port 0"
TASKAI_COMMANDS = {"sqlite": SERVE, "postgresql": SERVE}


@dataclass(frozen=True)
class Draft:
    """One task to seed or create: the same drafts go to both servers."""

    title: str
    description: str
    labels: tuple[str, str]
    due: datetime | None


def drafts(n: int, rng: random.Random) -> list[Draft]:
    """n tasks of Zipf-weighted words with 2 of the 12 labels; 65 % due within -60..120 days."""
    weights = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    made = []
    for _ in range(n):
        due = now + timedelta(minutes=rng.randint(-60 * 1440, 120 * 1440))
        a, b = rng.sample(LABELS, 2)
        made.append(Draft(
            " ".join(rng.choices(VOCABULARY, weights, k=rng.randint(2, 6))).capitalize(),
            " ".join(rng.choices(VOCABULARY, weights, k=rng.randint(5, 25))) + ".",
            (a, b), due if rng.random() < 0.65 else None))
    return made


class Client:
    """A JSON-over-HTTP client with one keep-alive connection per thread, retrying failures."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token, self.local = port, token, threading.local()

    def call(self, method: str, path: str, body: Any = None, *, ok: tuple[int, ...] = (200, 201),
             attempts: int = 30) -> Any:
        """The decoded answer of method path; retried (growing pauses) on a refused connection
        or a status not in `ok`; RuntimeError after `attempts` tries."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None if body is None else json.dumps(body)
        last = ""
        for attempt in range(attempts):
            try:
                conn = getattr(self.local, "conn", None)
                if conn is None:
                    conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                                        timeout=60)
                conn.request(method, path, payload, headers)
                response = conn.getresponse()
                data = response.read()
                if response.status in ok:
                    return json.loads(data) if data else None
                last = f"{response.status} {data[:300]!r}"
            except (OSError, http.client.HTTPException) as e:
                last = repr(e)
                self.local.conn = None
            time.sleep(min(2.0, 0.02 * 2 ** attempt))
        raise RuntimeError(f"{method} {path} failed {attempts} times, last: {last}")


def in_parallel(work: Callable[[Draft], None], items: list[Draft], clients: int = 4) -> float:
    """Run work(item) for every item on `clients` threads; seconds taken."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, items))
    return round(time.perf_counter() - started, 1)


class Target:
    """One server on one store: how to start it, make its account, seed it and load it."""

    name = ""
    health = "/health"

    def __init__(self, args: argparse.Namespace, store: str, work: Path):
        self.args, self.store, self.work = args, store, work
        self.dir = work / f"{self.name}-{store}"
        self.dir.mkdir()
        self.url: URL | None = None
        if store == "postgresql":
            base = sqlalchemy_url(args.database_url)
            self.url = base.set(database=f"{base.database}_{self.name.lower()}")
            drop_database(self.url, args.force_drop, create=True)

    def start(self) -> Server:
        """The server, answering (it may migrate its store first)."""
        raise NotImplementedError

    def prepare(self, server: Server) -> None:
        """Make the account (and what the requests need: ids of labels and project)."""
        raise NotImplementedError

    def seed(self, server: Server, items: list[Draft]) -> None:
        """Create items through the API."""
        raise NotImplementedError

    def requests(self, op: str, items: list[Draft]) -> list[Request]:
        """What wrk sends for op."""
        raise NotImplementedError

    def smoke(self, server: Server) -> dict[str, int]:
        """Items on a first page of each read, to show the loads find something."""
        raise NotImplementedError

    def cleanup(self) -> None:
        """Drop the PostgreSQL database this target made."""
        if self.url is not None:
            drop_database(self.url, self.args.force_drop)


class TaskAI(Target):
    """TaskAI started with --taskai-cmd (default per store: TASKAI_COMMANDS)."""

    name = "TaskAI"

    def __init__(self, args: argparse.Namespace, store: str, work: Path):
        super().__init__(args, store, work)
        self.secret = secrets.token_urlsafe(48)
        self.env = {**os.environ, "JWT_SECRET": self.secret, "LOG_LEVEL": args.log_level,
                    "WORKERS": str(args.workers), "THREADS": str(args.threads)}
        for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "DATA_DIR"):
            self.env.pop(name, None)
        # Started as a user's install runs: bytecode written on the first start and read on
        # the next (a shell's PYTHONDONTWRITEBYTECODE=1 made every start compile the library);
        # under the run's folder, so no checkout is written to
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(self.dir / "pycache")
        if self.url is not None:
            self.env["DATABASE_URL"] = self.url.render_as_string(hide_password=False)
            upgrade(self.env["DATABASE_URL"])  # what `taskai migrate` does before the functions
        else:
            self.env["DATA_DIR"] = str(self.dir)
        self.token = ""

    def start(self) -> Server:
        template = self.args.taskai_cmd or TASKAI_COMMANDS[self.store]
        command = template.format(python=sys.executable, bin=Path(sys.executable).parent,
                                  root=ROOT, port="{port}")
        port = free_port()
        argv = shlex.split(command.replace("{port}", str(port)))
        return Server(argv, self.env, self.dir / "server.log", port)

    def prepare(self, server: Server) -> None:
        settings = Settings.from_env({k: v for k, v in self.env.items()
                                      if k in ("DATABASE_URL", "DATA_DIR", "JWT_SECRET")})
        engine = make_engine(settings.sqlalchemy_url, pool_size=1)
        user_id, now = uuid.uuid4(), datetime.now(UTC)
        with engine.begin() as conn:
            conn.execute(insert(orm.users), [{
                "id": user_id, "email": "bench@example.com", "name": "Bench",
                "password_hash": hash_password("bench password", rounds=4), "timezone": "UTC",
                "change_seq": 0, "created_at": now}])
        engine.dispose()
        issuer = TokenIssuer(secret=self.secret, issuer=settings.jwt_issuer,
                             audience=settings.jwt_audience, ttl_seconds=settings.jwt_ttl_seconds)
        self.token = issuer.issue(user_id, now=now)

    def body(self, d: Draft) -> dict[str, Any]:
        body: dict[str, Any] = {"title": d.title, "description": d.description,
                                "tags": list(d.labels)}
        if d.due:
            body["due_date"] = d.due.strftime("%Y-%m-%dT%H:%M:%S")
        return body

    def seed(self, server: Server, items: list[Draft]) -> None:
        client = Client(server.port, self.token)
        in_parallel(lambda d: client.call("POST", "/api/tasks", self.body(d)), items)

    def requests(self, op: str, items: list[Draft]) -> list[Request]:
        auth = {"Authorization": f"Bearer {self.token}"}
        if op == "create":
            return [Request("POST", "/api/tasks", auth, self.body(d)) for d in items]
        if op == "list":
            return [Request("GET", f"/api/tasks?tag={label}&sort=due&order=asc&limit=50", auth)
                    for label in LABELS]
        return [Request("GET", f"/api/tasks?q={word}&limit=50", auth) for word in SEARCH_WORDS]

    def smoke(self, server: Server) -> dict[str, int]:
        client = Client(server.port, self.token)
        return {op: len(client.call("GET", self.requests(op, [])[0].path, attempts=1)["items"])
                for op in ("list", "search")}


class Vikunja(Target):
    """Vikunja's API server (`vikunja web`) from --vikunja, configured by its VIKUNJA_* env."""

    name = "Vikunja"
    health = "/api/v1/info"

    def __init__(self, args: argparse.Namespace, store: str, work: Path, binary: Path):
        super().__init__(args, store, work)
        self.binary, self.port, self.secret = binary, 0, secrets.token_urlsafe(32)
        self.token, self.project, self.labels = "", 0, dict[str, int]()

    def start(self) -> Server:
        self.port = free_port()
        env = {**os.environ,
               "VIKUNJA_SERVICE_INTERFACE": f"127.0.0.1:{self.port}",
               "VIKUNJA_SERVICE_PUBLICURL": f"http://127.0.0.1:{self.port}/",
               "VIKUNJA_SERVICE_ENABLEREGISTRATION": "true",
               "VIKUNJA_SERVICE_ROOTPATH": str(self.dir),
               "VIKUNJA_FILES_BASEPATH": str(self.dir / "files"),
               "VIKUNJA_SERVICE_JWTSECRET": self.secret}  # kept across restarts: tokens stay
        if self.url is None:
            env.update(VIKUNJA_DATABASE_TYPE="sqlite",
                       VIKUNJA_DATABASE_PATH=str(self.dir / "vikunja.db"))
        else:
            env.update(VIKUNJA_DATABASE_TYPE="postgres",
                       VIKUNJA_DATABASE_HOST=f"{self.url.host}:{self.url.port or 5432}",
                       VIKUNJA_DATABASE_USER=self.url.username or "",
                       VIKUNJA_DATABASE_PASSWORD=str(self.url.password or ""),
                       VIKUNJA_DATABASE_DATABASE=self.url.database or "",
                       VIKUNJA_DATABASE_SSLMODE="disable")
        return Server([str(self.binary), "web"], env, self.dir / "server.log", self.port,
                      health=self.health, cwd=self.dir)

    def prepare(self, server: Server) -> None:
        client = Client(server.port)
        account = {"username": "bench", "email": "bench@example.com",
                   "password": "bench password 1"}
        client.call("POST", "/api/v1/register", account)
        self.token = client.call("POST", "/api/v1/login", {
            "username": "bench", "password": account["password"]})["token"]
        client = Client(server.port, self.token)
        self.project = client.call("PUT", "/api/v1/projects", {"title": "Bench"})["id"]
        for label in LABELS:
            self.labels[label] = client.call("PUT", "/api/v1/labels", {"title": label})["id"]

    def body(self, d: Draft) -> dict[str, Any]:
        body: dict[str, Any] = {"title": d.title, "description": d.description}
        if d.due:
            body["due_date"] = d.due.strftime("%Y-%m-%dT%H:%M:%SZ")
        return body

    def seed(self, server: Server, items: list[Draft]) -> None:
        client = Client(server.port, self.token)

        def create(d: Draft) -> None:
            task = client.call("PUT", f"/api/v1/projects/{self.project}/tasks", self.body(d))
            client.call("POST", f"/api/v1/tasks/{task['id']}/labels/bulk",
                        {"labels": [{"id": self.labels[label]} for label in d.labels]})

        in_parallel(create, items)

    def requests(self, op: str, items: list[Draft]) -> list[Request]:
        auth = {"Authorization": f"Bearer {self.token}"}
        if op == "create":
            return [Request("PUT", f"/api/v1/projects/{self.project}/tasks", auth, self.body(d))
                    for d in items]
        if op == "list":
            return [Request("GET", "/api/v1/tasks?filter=" + quote(f"labels = {label_id}")
                            + "&sort_by=due_date&order_by=asc&per_page=50", auth)
                    for label_id in self.labels.values()]
        return [Request("GET", f"/api/v1/tasks?s={word}&per_page=50", auth)
                for word in SEARCH_WORDS]

    def smoke(self, server: Server) -> dict[str, int]:
        client = Client(server.port, self.token)
        return {op: len(client.call("GET", self.requests(op, [])[0].path, attempts=1) or [])
                for op in ("list", "search")}


@dataclass
class Outcome:
    """What one target measured."""

    system: str
    store: str
    first_start_s: float = 0.0
    start_s: float = 0.0
    seed_s: float = 0.0
    rss_idle_mb: float = 0.0
    rss_loaded_mb: float = 0.0
    smoke: dict[str, int] = field(default_factory=dict)
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)


def measure(target: Target, args: argparse.Namespace, items: list[Draft],
            creates: list[Draft]) -> Outcome:
    """Start, seed, restart, then every phase under wrk; the target's numbers."""
    out = Outcome(target.name, target.store)
    label = f"{target.name} on {target.store}"
    server = target.start()
    try:
        out.first_start_s = round(server.started_s, 3)
        target.prepare(server)
        started = time.perf_counter()
        target.seed(server, items)
        out.seed_s = round(time.perf_counter() - started, 1)
        if target.url is not None:
            analyze_database(target.url)
        print(f"{label}: first start {out.first_start_s} s (empty store), seeded {len(items)} "
              f"tasks through the API in {out.seed_s} s", flush=True)
    finally:
        server.stop()
    server = target.start()
    try:
        out.start_s = round(server.started_s, 3)
        time.sleep(2)  # let it settle (workers forked, first imports done)
        out.rss_idle_mb = server.rss_mb()
        out.smoke = target.smoke(server)
        print(f"{label}: start -> first 200 {out.start_s} s, idle RSS {out.rss_idle_mb} MB, "
              f"first pages {out.smoke}", flush=True)
        phase_args = argparse.Namespace(**vars(args))
        phase_args.database_name = target.url.database if target.url else ""
        for op in args.phases:
            lua = write_lua(target.dir / f"{op}.lua", target.requests(op, creates))

            def run(op: str = op, lua: Path = lua) -> dict[str, Any]:
                run_wrk(lua, server.port, phase_args, args.warmup)

                def once() -> dict[str, Any]:
                    return run_wrk(lua, server.port, phase_args, args.duration, server)

                if args.profile and isinstance(target, TaskAI):
                    result, profile = profiled(server, target.dir / f"{op}.pyspy", once)
                    return {**result, "_profile": profile}
                return once()

            result = least_disturbed(phase_args, f"{label} {op}", run)
            print(f"[{label}] {op}: {fmt(result)}", flush=True)
            if "_profile" in result:
                print_profile(f"{label} {op}", result.pop("_profile"), result["requests"],
                              args.profile_top)
            out.phases[op] = result
        out.rss_loaded_mb = server.rss_mb()
    finally:
        server.stop()
    return out


def print_results(outcomes: list[Outcome]) -> None:
    """Throughput and latency per store and operation, TaskAI beside Vikunja; then start/RSS."""
    found = {(o.system, o.store): o for o in outcomes}
    head = ("store", "operation", "TaskAI req/s", "Vikunja req/s", "TaskAI/Vikunja",
            "TaskAI p50/p99", "Vikunja p50/p99", "errors T / V", "client CPU")
    rows = []
    for store in dict.fromkeys(o.store for o in outcomes):
        for op in PHASES:
            t, v = (found.get((name, store)) for name in ("TaskAI", "Vikunja"))
            a = t.phases.get(op) if t else None
            b = v.phases.get(op) if v else None
            if a is None and b is None:
                continue

            def cells(r: dict[str, Any] | None) -> tuple[str, str, str]:
                if r is None:
                    return "-", "-", "-"
                return (f"{r['ok_rps']:.0f}", f"{r['p50_ms']:.0f} / {r['p99_ms']:.0f} ms",
                        str(r["errors"]))

            (ar, al, ae), (br, bl, be) = cells(a), cells(b)
            ratio = f"{a['ok_rps'] / b['ok_rps']:.2f}" if a and b and b["ok_rps"] else "-"
            cpu = " / ".join(f"{r['client_cpu_cores']:.2f}" for r in (a, b) if r)
            rows.append((store, op, ar, br, ratio, al, bl, f"{ae} / {be}", cpu))
    print_table(head, rows, width=15)
    print("(req/s: answers with 2xx/3xx only; errors: other answers, timeouts and socket errors "
          "counted by wrk, whose latencies are in p50/p99; client CPU: cores wrk used, "
          "TaskAI / Vikunja)")
    print_table(("server", "store", "seed s", "1st start s", "start s", "RSS idle MB",
                 "RSS loaded MB"),
                [(o.system, o.store, f"{o.seed_s}", f"{o.first_start_s:.2f}", f"{o.start_s:.2f}",
                  f"{o.rss_idle_mb:.0f}", f"{o.rss_loaded_mb:.0f}") for o in outcomes])
    print("(1st start: on an empty store, migrations included; start: spawn -> first 200 on the "
          "seeded store; RSS summed over the process tree)")


def vikunja_binary(path: Path, work: Path) -> Path:
    """The binary at path, unpacked into work first when it is .xz; exits if it is missing."""
    if not path.exists():
        sys.exit(f"no Vikunja binary at {path}")
    if path.suffix != ".xz":
        return path.resolve()
    binary = work / "vikunja"
    with lzma.open(path) as packed, open(binary, "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    binary.chmod(0o755)
    return binary


def parse_args() -> argparse.Namespace:
    """The command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vikunja", type=Path, metavar="PATH",
                        help="Vikunja server binary (or its .xz); without it TaskAI runs alone")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL server URL whose database name (with 'bench' in it) "
                             "prefixes the databases made and dropped here")
    parser.add_argument("--stores", type=lambda v: v.split(","), default=None,
                        help="sqlite,postgresql (default: both, postgresql only with a URL)")
    parser.add_argument("--taskai-cmd", help="TaskAI's start command ({python}, {bin}, {root}, "
                        "{port}); default `taskai serve` on both stores")
    parser.add_argument("--tasks", type=int, default=5000, help="tasks to seed (default 5000)")
    parser.add_argument("--clients", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per run")
    parser.add_argument("--phases", type=lambda v: v.split(","), default=list(PHASES),
                        help="comma-separated subset of list,search,create (in that order)")
    parser.add_argument("--workers", type=int, default=2,
                        help="WORKERS, for a functions-framework --taskai-cmd (default 2)")
    parser.add_argument("--threads", type=int, default=16,
                        help="THREADS per worker, for a functions-framework --taskai-cmd "
                             "(default 16)")
    parser.add_argument("--log-level", default="INFO", help="TaskAI's LOG_LEVEL (default INFO)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the tasks")
    parser.add_argument("--force-drop", action="store_true",
                        help="allow dropping databases whose name lacks 'bench'")
    parser.add_argument("--profile", action="store_true",
                        help="sample TaskAI with py-spy during each measured run and print the "
                             "top functions by cumulative and self time per phase")
    parser.add_argument("--profile-top", type=int, default=15, help="functions per table")
    parser.add_argument("--quiet-cores", type=float, default=0.3,
                        help="before each run, wait until others use at most this many cores")
    parser.add_argument("--quiet-seconds", type=int, default=3,
                        help="seconds in a row that must be that quiet (default 3)")
    parser.add_argument("--quiet-timeout", type=float, default=60,
                        help="give up waiting for quiet after this many seconds (0: never wait)")
    parser.add_argument("--retries", type=int, default=1,
                        help="measure a disturbed run again, up to this many times (default 1)")
    parser.add_argument("--results", type=Path, default=RESULTS / "peer.json", help="JSON output")
    args = parser.parse_args()
    if args.stores is None:
        args.stores = ["sqlite"] + (["postgresql"] if args.database_url else [])
    if "postgresql" in args.stores and not args.database_url:
        parser.error("--database-url is needed for the postgresql store")
    args.phases = [op for op in PHASES if op in args.phases]
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    return args


def main() -> None:
    args = parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):  # unwind through the `finally` blocks
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    rng = random.Random(args.seed)
    items, creates = drafts(args.tasks, rng), drafts(2000, rng)
    work = Path(tempfile.mkdtemp(prefix="taskai-peer-"))
    outcomes: list[Outcome] = []
    try:
        binary = vikunja_binary(args.vikunja, work) if args.vikunja else None
        print(f"load: wrk -t {args.wrk_threads} -c {args.clients}, {args.warmup}s warm-up + "
              f"{args.duration}s per phase; {os.cpu_count()} CPUs shared by everything")
        for store in args.stores:
            makers: list[Callable[[], Target]] = [partial(TaskAI, args, store, work)]
            if binary:
                makers.append(partial(Vikunja, args, store, work, binary))
            for make in makers:  # one target's database at a time
                target = make()
                try:
                    outcomes.append(measure(target, args, items, creates))
                finally:
                    target.cleanup()
        print_results(outcomes)
        report = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                  "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                  "git": git_state(), "taskai_cmd": args.taskai_cmd or TASKAI_COMMANDS,
                  "config": {k: getattr(args, k) for k in (
                      "tasks", "clients", "wrk_threads", "duration", "warmup", "workers",
                      "threads", "log_level", "seed", "stores", "phases")},
                  "outcomes": [vars(o) for o in outcomes]}
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"\nwrote {args.results}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
