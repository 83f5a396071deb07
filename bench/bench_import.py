"""Seconds an import (POST /api/import) of N tasks takes, on SQLite and on PostgreSQL.

For each checkout given (default: this one) a child process loads the `auth` and `tasks`
functions from it as the dev server does, registers a user on a fresh database, and times one
import of --tasks tasks, each with two tags (50 names in all), a due date and a reminder. On
SQLite the import holds the one writer's turn for that long: every other write waits behind
it. Checkouts run one after the other, --rounds times interleaved, so that their ratios come
from the same run on a shared machine.

    python bench/bench_import.py [--database-url postgresql+pg8000://u:p@host:port/db] \\
        [--tasks 16000] [--checkout OTHER_CHECKOUT]

With --database-url the PostgreSQL database is dropped and created again for every import
(its name must contain "bench"); without it only SQLite is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(tasks: int) -> float:
    """In the child: a user on a fresh database, then the seconds of one import of `tasks`."""
    import time
    import uuid

    from werkzeug.test import Client

    from taskai.adapters.migrate import upgrade
    from taskai.local.devserver import load_function

    upgrade(os.environ["DATABASE_URL"])
    auth, app = Client(load_function("auth")), Client(load_function("tasks"))
    email = f"import{uuid.uuid4().hex[:8]}@example.com"
    reply = auth.post("/api/auth/register", json={"email": email, "password": "correct horse 9x!"})
    headers = {"Authorization": f"Bearer {reply.json['access_token']}"}
    items = [
        {
            "title": f"task {n} report",
            "tags": ["work", f"t{n % 50}"],
            "due_date": f"2031-01-{1 + n % 28:02d}T09:00:00Z",
            "reminders": [{"minutes_before": 60}],
        }
        for n in range(tasks)
    ]
    document = {"format": "taskai-export", "version": 1, "tasks": items}
    started = time.perf_counter()
    answer = app.post("/api/import", json=document, headers=headers)
    seconds = time.perf_counter() - started
    assert answer.status_code == 200 and answer.json["created"]["tasks"] == tasks, answer.json
    return seconds


def fresh_postgres(url: str) -> None:
    """Drop and create the database of `url` (its name must contain "bench")."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: a benchmark database's name contains 'bench'")
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def main() -> None:
    """Time one import per checkout and store, --rounds times interleaved; print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL (postgresql+pg8000://…/…bench…)")
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="another checkout to compare with this one (repeatable)")
    parser.add_argument("--tasks", type=int, default=16_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.tasks)))
        return
    stores = ["sqlite"] + (["postgresql"] if args.database_url else [])
    checkouts = [*args.checkout, ROOT]
    runs: dict[tuple[str, Path], list[float]] = {(s, c): [] for s in stores for c in checkouts}
    for _ in range(args.rounds):
        for store in stores:
            for checkout in checkouts:
                with tempfile.TemporaryDirectory(prefix="taskai-import-") as work:
                    if store == "sqlite":
                        url = f"sqlite:///{work}/taskai.db"
                    else:
                        url = args.database_url
                        fresh_postgres(url)
                    env = dict(os.environ, DATABASE_URL=url, JWT_SECRET="x" * 40,
                               LOG_LEVEL="WARNING", PYTHONPATH=str(checkout / "shared"))
                    command = [sys.executable, str(Path(__file__).resolve()), "--child",
                               "--tasks", str(args.tasks)]
                    out = subprocess.run(command, env=env, cwd=checkout, check=True, text=True,
                                         stdout=subprocess.PIPE)
                    runs[(store, checkout)].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'store':10} {'checkout':40} {'tasks':>7} {'import s':>9} {'tasks/s':>8}")
    for (store, checkout), seconds in runs.items():
        median = statistics.median(seconds)
        print(f"{store:10} {str(checkout)[-40:]:40} {args.tasks:7} {median:9.2f} "
              f"{args.tasks / median:8.0f}")


if __name__ == "__main__":
    main()
