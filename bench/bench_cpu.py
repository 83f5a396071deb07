"""Server CPU per request of the tasks function, in process (no HTTP server, no client cost).

For each checkout given (default: this one) a child process loads the `tasks` and `auth`
functions from it as the dev server does, registers a user, seeds --tasks tasks with tags and
reminders, then times `time.process_time()` around N WSGI calls of each operation: the
filtered list (?tag=work&sort=due&limit=50), a one-word search (?q=report&limit=20), create,
get, and a first sync (GET /api/sync: a page of 500 tasks, topped up to that many first, over
--sync-requests calls as it costs far more). Checkouts run one after the other, --rounds times
interleaved, so that their ratios come from the same run on a shared machine; compare ratios,
not absolute numbers across runs.

    python bench/bench_cpu.py --database-url postgresql+pg8000://u:p@host:port/db \\
        [--checkout OTHER_CHECKOUT] [--requests 200] [--profile list|sync]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ("list", "search", "create", "get", "sync")
SYNC_PAGE = 500  # the tasks a sync page holds


def child(requests: int, tasks: int, profile: str | None, sync_requests: int) -> dict[str, float]:
    """In the child: seed, warm up, and return CPU ms per request of each operation."""
    import cProfile
    import pstats
    import time
    import uuid

    from werkzeug.test import Client

    from taskai.adapters.migrate import upgrade
    from taskai.local.devserver import load_function

    upgrade(os.environ["DATABASE_URL"])
    auth, app = Client(load_function("auth")), Client(load_function("tasks"))
    email = f"cpu{uuid.uuid4().hex[:8]}@example.com"
    reply = auth.post("/api/auth/register", json={"email": email, "password": "correct horse 9x!"})
    headers = {"Authorization": f"Bearer {reply.json['access_token']}"}
    auth.patch("/api/auth/me", json={"timezone": "Europe/Amsterdam"}, headers=headers)
    ids = []
    for i in range(tasks):
        body = {
            "title": f"task {i} report",
            "tags": ["work", f"t{i % 5}"],
            "due_date": f"2031-01-{1 + i % 28:02d}T09:00:00Z",
            "reminders": [{"minutes_before": 60}],
        }
        ids.append(app.post("/api/tasks", json=body, headers=headers).json["id"])
    calls = {
        "list": lambda i: app.get("/api/tasks?tag=work&sort=due&limit=50", headers=headers),
        "search": lambda i: app.get("/api/tasks?q=report&limit=20", headers=headers),
        "create": lambda i: app.post("/api/tasks", json={"title": f"new {i}"}, headers=headers),
        "get": lambda i: app.get(f"/api/tasks/{ids[i % len(ids)]}", headers=headers),
        "sync": lambda i: app.get("/api/sync", headers=headers),
    }
    result = {}
    for name, call in calls.items():
        count, warm = (sync_requests, 2) if name == "sync" else (requests, 20)
        if name == "sync":  # the first page holds a task per commit: top up to a full page
            for i in range(SYNC_PAGE - len(call(0).json["tasks"])):
                app.post("/api/tasks", json={"title": f"more {i}"}, headers=headers)
            assert len(call(0).json["tasks"]) == SYNC_PAGE
        for i in range(warm):
            assert call(i).status_code < 300
        start = time.process_time()
        for i in range(count):
            call(i)
        result[name] = (time.process_time() - start) / count * 1000
        if name == profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not waits
            profiler.runcall(lambda run=call, n=count: [run(i) for i in range(n)])
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    return result


def main() -> None:
    """Run each checkout --rounds times, interleaved, and print CPU ms per request and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="another checkout to compare with this one (repeatable)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sync-requests", type=int, default=10)
    parser.add_argument("--profile", choices=OPERATIONS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.requests, args.tasks, args.profile, args.sync_requests)))
        return
    checkouts = [*args.checkout, ROOT]
    runs: dict[Path, list[dict[str, float]]] = {c: [] for c in checkouts}
    for _ in range(args.rounds):
        for checkout in checkouts:
            env = dict(os.environ, DATABASE_URL=args.database_url, JWT_SECRET="x" * 40,
                       LOG_LEVEL="WARNING", PYTHONPATH=str(checkout / "shared"))
            command = [sys.executable, str(Path(__file__).resolve()), "--child",
                       "--database-url", args.database_url, "--requests", str(args.requests),
                       "--tasks", str(args.tasks), "--sync-requests", str(args.sync_requests)]
            if args.profile:
                command += ["--profile", args.profile]
            out = subprocess.run(command, env=env, cwd=checkout, check=True, text=True,
                                 stdout=subprocess.PIPE)
            runs[checkout].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'checkout':40} " + " ".join(f"{op + ' ms':>10}" for op in OPERATIONS))
    medians = {c: {op: statistics.median(r[op] for r in rs) for op in OPERATIONS}
               for c, rs in runs.items()}
    for checkout, cpu in medians.items():
        print(f"{str(checkout)[-40:]:40} " + " ".join(f"{cpu[op]:10.2f}" for op in OPERATIONS))
    if len(checkouts) > 1:
        base = medians[checkouts[0]]
        print(f"{'this / first':40} " + " ".join(
            f"{medians[ROOT][op] / base[op]:10.2f}" for op in OPERATIONS))


if __name__ == "__main__":
    main()
