"""Throughput and latency of the tasks function on PostgreSQL, served the production way.

What it measures
  The `tasks` function runs exactly as the image runs it on Knative (the Dockerfile's
  taskai-serve): gunicorn with TaskAI's worker class (taskai.api.worker.ThreadWorker, gthread
  reading each request whole within a deadline) serving `functions_framework:create_app()` for
  FUNCTION_TARGET=tasks, with the image's timeouts. Workers and threads: --workers / --threads,
  or --pods N single-worker servers as Knative runs N pods.

  1. Seed (bulk COPY through the library's tables, not through the API): --users users (default
     100) sharing --rows tasks (default 100,000, so 1,000 each), 12 tags per user, titles and
     descriptions drawn from a Zipf-weighted word list, varied status/priority/due dates, some
     recurring tasks and reminders. PostgreSQL computes search_vector itself.
  2. Load with `wrk` (C, event loop; apt-get install wrk) and --clients connections (default 32),
     each request from a random seeded user: (a) create a task with 2 tags, (b) the filtered
     list ?status=pending&priority=high&tag=work&sort=due&limit=50, (c) full-text search
     ?q=<word>&limit=20.
     Each phase: a --warmup run, then a --duration run; requests/s, p50, p99 and errors.
  3. pgbench with the same clients (-c N -j 2 -M extended, same duration) on scripts that send
     the SQL the API sends for that operation (statement by statement, as SQLAlchemy emits it).
  4. A table (API req/s, p50, p99, pgbench tps, API/pgbench) on stdout and in
     bench/results/api.json (that folder's .gitignore keeps generated results out of git).

  Every commit also wakes the function's outbox relay thread, which publishes the new events
  in the background: to the in-process bus by default, to Kafka with --kafka BOOTSTRAP. Its SQL
  is not in the pgbench scripts (it is not part of the request).

  Read phases run first on the pristine seed; tasks created by the create phases are deleted
  again after each create run, so every phase sees the same 100,000 tasks.

  The machine may be shared (other people's tests): before each measured run the script waits
  for a quiet machine (--quiet-cores, --quiet-seconds, --quiet-timeout), reports the CPU that
  other processes took during the run ("others' CPU") and repeats a disturbed run (--retries),
  keeping the least disturbed one.

Run (from the repository root, with the project's venv; the database is dropped and
re-created, so its name must contain "bench" unless --force-drop is given):

    python bench/bench_api.py --database-url postgresql://taskai:taskai@127.0.0.1:54329/taskai_bench

    # knobs (defaults): --duration 20 --warmup 3 --clients 32 --workers 2 --threads 8
    #                   --rows 100000 --users 100 --phases list,search,create
    # reuse an already seeded database:   --skip-seed
    # sample the server with py-spy (pip install py-spy) during each API run, and print the
    # top functions by cumulative and self time per operation:
    python bench/bench_api.py --database-url ... --skip-seed --profile

The parts shared with bench_peer.py (seeding, wrk, pgbench, the quiet-machine wait, profiling,
reporting) live in bench/lib/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from lib import RESULTS, ROOT
from lib.database import recreate_database, sqlalchemy_url, vacuum
from lib.machine import least_disturbed
from lib.pgbench import run_pgbench
from lib.profiling import print_profile, profiled
from lib.report import fmt, fmt_cpu, git_state, print_table, version
from lib.seeding import (
    LIST_PATH,
    TAGS,
    VOCABULARY,
    Seed,
    data_profile,
    delete_created_tasks,
    load_seed,
    refresh_pages,
    save_bench_tables,
    seed,
)
from lib.servers import Pods, Server, free_port
from lib.wrk import Request, run_wrk, write_lua
from taskai.adapters.db import make_engine
from taskai.adapters.security import TokenIssuer
from taskai.config import Settings

SOURCE = ROOT / "functions" / "tasks" / "main.py"
FLOOR = ROOT / "bench" / "lib" / "floor.py"
PRIORITY_NAMES = ("low", "medium", "high", "urgent")


def server_env(args: argparse.Namespace, jwt_secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": args.function_database_url or args.database_url,
        "JWT_SECRET": jwt_secret, "LOG_LEVEL": args.log_level,
        "WORKERS": str(args.workers), "THREADS": str(args.threads),
        "DB_POOL_SIZE": str(args.pool_size),
    })
    # Each commit wakes the function's outbox relay thread, which publishes the new events to
    # Kafka when --kafka is given, else to the in-process bus (no subscribers here).
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    if args.kafka:
        env["KAFKA_BOOTSTRAP_SERVERS"] = args.kafka
    return env


def start_server(args: argparse.Namespace, jwt_secret: str, work: Path,
                 floor: bool = False) -> Server | Pods:
    """The image's command (Dockerfile, taskai-serve): gunicorn with TaskAI's worker class
    serving functions_framework:create_app() for FUNCTION_TARGET=tasks; with --pods N, N of
    them of one worker each (WORKERS=1, as the image runs), on N ports. With `floor`, the same
    command serving lib/floor.py instead: the stack without TaskAI."""
    env = server_env(args, jwt_secret)
    if args.pods:
        env["WORKERS"] = "1"
    env.update(FUNCTION_TARGET="tasks", FUNCTION_SOURCE=str(SOURCE))
    if floor:
        env.update(FUNCTION_TARGET="floor", FUNCTION_SOURCE=str(FLOOR),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(FLOOR.parent.parent),
                                                            env.get("PYTHONPATH")])))
    servers = []
    for n in range(args.pods or 1):
        port = free_port()
        argv = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",  # the image's
                "--workers", env["WORKERS"], "--threads", str(args.threads),
                "--worker-class", args.worker_class, "--worker-tmp-dir", "/dev/shm",
                "--timeout", "30", "--graceful-timeout", "20", "--keep-alive", "75",
                "--log-level", "warning", "functions_framework:create_app()"]
        servers.append(Server(argv, env, work / f"{'floor' if floor else 'server'}{n}.log", port))
        servers[-1].wait_workers(1 if args.pods else args.workers)
    return Pods(servers) if args.pods else servers[0]


def requests_for(op: str, tokens: list[str], s: Seed, rng: random.Random) -> list[Request]:
    """What wrk sends for op, each from a random seeded user: (a) create with 2 of the user's
    tags, 70 % with a due date, (b) the filtered list, (c) a search for one of the words."""
    def auth() -> dict[str, str]:
        return {"Authorization": f"Bearer {rng.choice(tokens)}"}

    if op == "list":
        return [Request("GET", LIST_PATH, {"Authorization": f"Bearer {t}"}) for t in tokens]
    if op == "search":
        return [Request("GET", f"/api/tasks?q={word}&limit=20", {"Authorization": f"Bearer {t}"})
                for t in tokens for word in s.search_words]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    made = []
    for _ in range(2000):
        body: dict[str, Any] = {
            "title": " ".join(rng.choices(VOCABULARY, k=rng.randint(2, 6))),
            "description": (" ".join(rng.choices(VOCABULARY, k=rng.randint(5, 25))) + "."
                            if rng.random() < 0.6 else ""),
            "priority": rng.choice(PRIORITY_NAMES), "tags": rng.sample(list(TAGS), 2)}
        if rng.random() < 0.7:
            due = now + timedelta(days=rng.randint(1, 60))
            body["due_date"] = due.strftime("%Y-%m-%dT%H:00:00")
        made.append(Request("POST", "/api/tasks", auth(), body))
    return made


def smoke(port: int, tokens: list[str], s: Seed) -> dict[str, Any]:
    """One request of each kind: statuses and sizes as expected before any load."""
    import http.client

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {tokens[0]}"}
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body)
        conn.request(method, path, payload, headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, json.loads(data) if data else None

    found = {}
    status, page = call("GET", LIST_PATH)
    assert status == 200, (status, page)
    found["list_items"] = len(page["items"])
    status, page = call("GET", f"/api/tasks?q={s.search_words[0]}&limit=20")
    assert status == 200, (status, page)
    found["search_items"] = len(page["items"])
    status, task = call("POST", "/api/tasks", {"title": "Smoke test", "tags": ["work", "home"]})
    assert status == 201 and len(task["tags"]) == 2, (status, task)
    return found


def describe_server(args: argparse.Namespace) -> str:
    import gunicorn

    return (f"the image's command: gunicorn {gunicorn.__version__} serving functions-framework "
            f"{version('functions-framework')}'s create_app() for tasks (functions/tasks/main.py), "
            f"worker class {args.worker_class}, "
            + (f"{args.pods} servers of WORKERS=1 (pods), each wrk thread on one, "
               if args.pods else f"WORKERS={args.workers}, ")
            + f"THREADS={args.threads}, "
            f"DB_POOL_SIZE={args.pool_size} (+{args.pool_size} overflow) per worker, "
            f"LOG_LEVEL={args.log_level}")


def print_results(rows: list[dict[str, Any]]) -> None:
    """The API and pgbench side by side per operation."""
    head = ("operation", "API req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req", "pgbench tps",
            "pg p50 ms", "pg p99 ms", "API/pgbench", "others' CPU")
    cells = []
    for r in rows:
        a, p = r["api"], r["pgbench"]
        cells.append((r["operation"], f"{a['rps']:.0f}", f"{a['p50_ms']:.1f}",
                      f"{a['p99_ms']:.1f}", str(a["errors"]),
                      f"{a['server_cpu_ms_per_request']:.2f}", f"{p['tps']:.0f}",
                      f"{p['p50_ms']:.1f}", f"{p['p99_ms']:.1f}",
                      f"{r['ratio']:.3f} (1/{1 / r['ratio']:.1f})" if r["ratio"] else "-",
                      f"{a['other_cpu_cores']:.2f} / {p['other_cpu_cores']:.2f}"))
    print_table(head, cells)
    print("(others' CPU: cores used by processes that are not this benchmark's during the API / "
          "pgbench run; near 0 means an undisturbed measurement. A floor row is lib/floor.py: "
          "the same SQL through the same stack with no TaskAI code, the least it can cost)")


def run_benchmark(args: argparse.Namespace, url: URL, engine: Engine, s: Seed, work: Path,
                  tokens: list[str], jwt_secret: str) -> dict[str, Any]:
    """Each phase: the API under wrk (sampled by py-spy with --profile), then pgbench."""
    rng = random.Random(args.seed)
    server = start_server(args, jwt_secret, work)
    try:
        print(f"server: pid {server.proc.pid}, port {server.port}, pids {server.pids()}")
        print(f"smoke: {smoke(server.port, tokens, s)}")
        delete_created_tasks(engine, s)
        results: dict[str, dict[str, Any]] = {}
        for op in [op for op in ("list", "search", "create") if op in args.phases]:  # reads first
            ports = server.ports if isinstance(server, Pods) else ()
            lua = write_lua(work / f"{op}.lua", requests_for(op, tokens, s, rng), ports)

            def api_run(op: str = op, lua: Path = lua) -> dict[str, Any]:
                print(f"\n[{op}] wrk warm-up {args.warmup}s, then {args.duration}s with "
                      f"{args.clients} connections ...", flush=True)
                run_wrk(lua, server.port, args, args.warmup)

                def measure() -> dict[str, Any]:
                    return run_wrk(lua, server.port, args, args.duration, server)

                if args.profile:
                    result, profile = profiled(server, work / f"{op}.pyspy", measure)
                    result["_profile"] = profile
                else:
                    result = measure()
                print(f"[{op}] API: {fmt(result)}")
                if op == "create":
                    print(f"[{op}] removed {delete_created_tasks(engine, s)} created tasks")
                return result

            def pgbench_run(op: str = op) -> dict[str, Any]:
                print(f"[{op}] pgbench warm-up {args.warmup}s, then {args.duration}s with -c "
                      f"{args.clients} -j {args.pgbench_threads} ...", flush=True)
                run_pgbench(op, url, args, s, work, max(1, args.warmup), measure=False)
                result = run_pgbench(op, url, args, s, work, args.duration)
                print(f"[{op}] pgbench: {fmt_pg(result)}")
                if op == "create":
                    print(f"[{op}] removed {delete_created_tasks(engine, s)} created tasks")
                return result

            def floor_run(op: str = op, lua: Path = lua) -> dict[str, Any]:
                print(f"[{op}] floor (lib/floor.py, same command) warm-up {args.warmup}s, then "
                      f"{args.duration}s ...", flush=True)
                floor = start_server(args, jwt_secret, work, floor=True)
                try:
                    run_wrk(lua, floor.port, args, args.warmup)
                    result = run_wrk(lua, floor.port, args, args.duration, floor)
                finally:
                    floor.stop()
                print(f"[{op}] floor: {fmt(result)}")
                if op == "create":
                    print(f"[{op}] removed {delete_created_tasks(engine, s)} created tasks")
                return result

            api = least_disturbed(args, f"{op} API", api_run)
            if "_profile" in api:
                print_profile(op, api.pop("_profile"), api["requests"], args.profile_top)
            results[op] = {"api": api}
            if args.floor:
                results[op]["floor"] = least_disturbed(args, f"{op} floor", floor_run)
            refresh_pages(engine)
            results[op]["pgbench"] = least_disturbed(args, f"{op} pgbench", pgbench_run)
        return results
    finally:
        server.stop()


def fmt_pg(r: dict[str, Any]) -> str:
    """One line for a run_pgbench result."""
    return (f"{r['tps']:.0f} tps, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
            f"failed {r['failed']}; {fmt_cpu(r)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL of a database this benchmark owns (dropped and "
                             "re-created); default $BENCH_DATABASE_URL")
    parser.add_argument("--rows", type=int, default=100_000, help="tasks to seed (default 100000)")
    parser.add_argument("--users", type=int, default=100, help="users sharing them (default 100)")
    parser.add_argument("--duration", type=float, default=20, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3,
                        help="seconds of warm-up before each run")
    parser.add_argument("--clients", type=int, default=32,
                        help="concurrent connections (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WORKERS)")
    # THREADS of the tasks Service (knative/base/tasks.yaml) and `taskai serve`'s worker: 16
    # threads of one process queued on its one GIL, and their p99 doubled (issue 15's note)
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (THREADS)")
    parser.add_argument("--pool-size", type=int, default=10, help="DB_POOL_SIZE of the function")
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL of the function (INFO: "
                        "one JSON line per request, as deployed)")
    parser.add_argument("--pods", type=int, default=0,
                        help="serve with N functions-framework servers of one worker each, as "
                             "Knative runs N pods, each wrk thread's connections on one of them "
                             "in turn (an even split: one gunicorn's workers share a socket, and "
                             "32 connections went 25/7 or 2/30 between its two); default 0: one "
                             "server of --workers workers")
    parser.add_argument("--worker-class", default="taskai.api.worker.ThreadWorker",
                        help="gunicorn worker class (default the image's; gthread to compare)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument("--pgbench-threads", type=int, default=2, help="pgbench -j (default 2)")
    parser.add_argument("--phases", type=lambda v: v.split(","),
                        default=["list", "search", "create"],
                        help="comma-separated subset of list,search,create (default all three)")
    parser.add_argument("--function-database-url",
                        help="DATABASE_URL for the function if not --database-url, e.g. "
                             "postgresql+psycopg://... to try another driver")
    parser.add_argument("--kafka", metavar="BOOTSTRAP",
                        help="KAFKA_BOOTSTRAP_SERVERS for the function's outbox relay (default: "
                             "none, events go to the in-process bus)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    parser.add_argument("--skip-seed", action="store_true",
                        help="reuse the data of an earlier run instead of re-creating the database")
    parser.add_argument("--force-drop", action="store_true",
                        help="allow dropping a database whose name lacks 'bench'")
    parser.add_argument("--floor", action="store_true",
                        help="also serve each phase's requests by lib/floor.py under the same "
                             "command: pgbench's SQL through functions-framework and pg8000 with "
                             "no TaskAI code, the stack's own CPU per request")
    parser.add_argument("--profile", action="store_true",
                        help="sample the server with py-spy during each API run and print the "
                             "top functions by cumulative and self time per operation")
    parser.add_argument("--profile-top", type=int, default=15,
                        help="functions listed per profile table (default 15)")
    parser.add_argument("--quiet-cores", type=float, default=0.3,
                        help="before each run, wait until other processes use at most this many "
                             "cores (the machine may be shared); default 0.3")
    parser.add_argument("--quiet-seconds", type=int, default=3,
                        help="seconds in a row that must be that quiet (default 3)")
    parser.add_argument("--quiet-timeout", type=float, default=300,
                        help="give up waiting for quiet after this many seconds (0: never wait)")
    parser.add_argument("--retries", type=int, default=2,
                        help="measure a run again when other processes took more than "
                             "--quiet-cores during it, up to this many times (default 2)")
    parser.add_argument("--results", type=Path, default=RESULTS / "api.json", help="JSON output")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    if args.pods and (args.wrk_threads % args.pods or args.clients % args.wrk_threads):
        parser.error("--pods must divide --wrk-threads, and --wrk-threads --clients (even split)")
    if args.pods and args.floor:
        parser.error("--floor serves one server: leave out --pods")

    # Ctrl-C raises KeyboardInterrupt; make SIGTERM/SIGHUP unwind the same way, so the
    # `finally` blocks stop the server we started.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))

    url = sqlalchemy_url(args.database_url)
    args.database_name = url.database
    jwt_secret = secrets.token_urlsafe(48)
    settings = Settings.from_env({"DATABASE_URL": args.database_url, "JWT_SECRET": jwt_secret})
    issuer = TokenIssuer(secret=jwt_secret, issuer=settings.jwt_issuer,
                         audience=settings.jwt_audience, ttl_seconds=settings.jwt_ttl_seconds)
    work = Path(tempfile.mkdtemp(prefix="taskai-bench-"))
    engine: Engine | None = None
    try:
        if args.skip_seed:
            engine = make_engine(url.render_as_string(hide_password=False), pool_size=2)
            s = load_seed(engine)
            delete_created_tasks(engine, s)
            print(f"reusing seed: {s.stats}")
        else:
            started = time.perf_counter()
            recreate_database(url, args.force_drop)
            engine = make_engine(url.render_as_string(hide_password=False), pool_size=2)
            s = seed(engine, users=args.users, rows=args.rows, rng=random.Random(args.seed))
            save_bench_tables(engine, s)
            vacuum(engine)
            s.stats["seed_seconds"] = round(time.perf_counter() - started, 1)
            print(f"seeded: {s.stats}")
        refresh_pages(engine)
        profile = data_profile(engine, s)
        print(f"data: {json.dumps(profile)}")
        now = datetime.now(UTC)
        tokens = [issuer.issue(user_id, now=now) for user_id in s.user_ids]

        print(f"server: {describe_server(args)}")
        print(f"load: wrk -t {args.wrk_threads} -c {args.clients}, {args.warmup}s warm-up + "
              f"{args.duration}s per phase; pgbench -c {args.clients} -j {args.pgbench_threads} "
              f"-M extended, same durations; {os.cpu_count()} CPUs shared by all of them")
        results = run_benchmark(args, url, engine, s, work, tokens, jwt_secret)
        rows = []
        for op, label in (("create", "create"), ("list", "list filtered"), ("search", "search")):
            if op not in results:
                continue
            r = results[op]
            ratio = r["api"]["rps"] / r["pgbench"]["tps"] if r["pgbench"]["tps"] else None
            rows.append({"operation": label, "api": r["api"], "pgbench": r["pgbench"],
                         "ratio": ratio,
                         "meets_target": bool(ratio and ratio >= 1 / 3 and r["api"]["p99_ms"] <= 100
                                              and r["api"]["errors"] == 0)})
            if "floor" in r:
                rows.append({"operation": f"{label} floor", "api": r["floor"],
                             "pgbench": r["pgbench"],
                             "ratio": r["floor"]["rps"] / r["pgbench"]["tps"] if ratio else None})
        print_results(rows)
        print("\ntarget (issue 15): API >= 1/3 of pgbench and p99 <= 100 ms at "
              f"{args.clients} clients: " + ", ".join(
                  f"{r['operation']} {'met' if r['meets_target'] else 'NOT met'}"
                  for r in rows if "meets_target" in r))
        report = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "server": describe_server(args),
            "config": {k: getattr(args, k) for k in ("rows", "users", "duration", "warmup",
                                                      "clients", "workers", "pods", "threads",
                                                      "pool_size",
                                                      "log_level", "wrk_threads",
                                                      "pgbench_threads", "seed", "phases")},
            "outbox_relay_publishes_to": "kafka" if args.kafka else "in-process bus",
            "git": git_state(),
            "function_driver": sqlalchemy_url(args.function_database_url
                                              or args.database_url).drivername,
            "seed": s.stats, "data": profile,
            "requests": {"create": "POST /api/tasks (2 of the user's tags, 70% with a due date)",
                         "list filtered": "GET " + LIST_PATH,
                         "search": "GET /api/tasks?q=<one of data.search_hits_per_user>&limit=20"},
            "results": rows,
        }
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(report, indent=2) + "\n")
        shown = args.results
        if shown.is_relative_to(ROOT):
            shown = shown.relative_to(ROOT)
        print(f"\nwrote {shown}")
    finally:
        if engine is not None:
            engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
