"""Search at scale: user-scoped ranked search over 1,000,000 tasks of 10,000 users on PostgreSQL.

What it measures
  1. Seed by COPY (bench/lib/seeding.py, the data of bench_api) at the head migration without
     the search index, then build it (timed, as migration 0007 does at scale): --rows tasks (default
     1,000,000) spread evenly over --users users (default 10,000), titles and descriptions drawn
     from a Zipf-weighted word list; PostgreSQL computes search_vector itself; VACUUM ANALYZE.
  2. How many of a user's tasks each term hits, and EXPLAIN (ANALYZE, BUFFERS) of the statement
     that picks a page of ids for one user (task_search.with_text_search, as the API orders it).
  3. The tasks function served as Knative serves it (functions-framework CLI under gunicorn,
     bench_api's server), loaded by wrk with --clients connections per term, each request from a
     random seeded user: GET /api/tasks?q=<term>&limit=20 for a rare word, a common word and a
     prefix ("repo", which finds "report"). p50/p95/p99 end to end (request -> response).
  4. A table on stdout and bench/results/search.json.

Run (from the repository root; the database is dropped and re-created, so its name must
contain "bench"):

    python bench/bench_search.py --database-url postgresql://taskai:taskai@127.0.0.1:54329/taskai_bench_search
    # reuse the seeded data: --skip-seed; other knobs: --clients 1,4 --duration 10 --explain-only
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Select, event, func, select, text
from sqlalchemy.orm import Session

from bench_api import start_server
from lib import RESULTS
from lib.database import drop_database, sqlalchemy_url, vacuum
from lib.machine import least_disturbed
from lib.report import git_state, print_table
from lib.seeding import VOCABULARY, seed
from lib.wrk import Request, run_wrk, write_lua
from taskai.adapters import orm
from taskai.adapters.db import make_engine
from taskai.adapters.migrate import upgrade
from taskai.adapters.security import TokenIssuer
from taskai.adapters.task_search import with_text_search
from taskai.config import Settings

# term kind -> query text: one of the rarest seeded words, the most frequent, and a prefix of a
# frequent one ("repo" -> "report", the last word being typed); "whole" is the rare word
# finished (a trailing space), matched as a whole word only, through the GIN index.
TERMS = {
    "rare": VOCABULARY[-25],
    "whole": VOCABULARY[-25] + " ",
    "common": VOCABULARY[0],
    "prefix": "repo",
}
BARS_MS = {"rare": 20, "whole": 20, "common": 40, "prefix": 20}  # p95 targets of issue 15
SEARCH_PATH = "/api/tasks?q={term}&limit=20"
SEARCH_INDEX = "tasks.ix_tasks_search_vector"  # dropped for the seed, then rebuilt and timed
t = orm.tasks.c


def user_ids(engine: Engine) -> list[uuid.UUID]:
    """The seeded users, in seeding order."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id FROM users WHERE email LIKE 'bench-%' ORDER BY email"))
        return [row[0] for row in rows]


def page_of_ids(session: Session, user_id: uuid.UUID, term: str) -> Select[Any]:
    """The statement picking the ids of a first page of 20 (and one more), as the API orders."""
    stmt, rank = with_text_search(select(t.id).where(t.user_id == user_id), session, term)
    return stmt.add_columns(rank).order_by(rank.desc(), t.id.desc()).limit(21)


def database_side(engine: Engine, users: list[uuid.UUID], sample: int = 1000) -> dict[str, Any]:
    """Per term, over `sample` random users, one after another: the user's matching tasks (avg)
    and p50/p95/p99 ms of the id-picking statement alone, seen from Python through pg8000."""
    found: dict[str, Any] = {}
    picked = random.Random(2).sample(users, min(sample, len(users)))
    with Session(engine) as session:
        for kind, term in TERMS.items():
            hits, took = 0, []
            for user_id in picked:
                matching, _ = with_text_search(
                    select(func.count()).where(t.user_id == user_id), session, term
                )
                hits += session.execute(matching).scalar_one()
                started = time.perf_counter()
                session.execute(page_of_ids(session, user_id, term)).all()
                took.append(1000 * (time.perf_counter() - started))
            cuts = statistics.quantiles(took, n=100)
            found[kind] = {"hits_per_user": round(hits / len(picked), 1),
                           "sql_p50_ms": round(cuts[49], 2), "sql_p95_ms": round(cuts[94], 2),
                           "sql_p99_ms": round(cuts[98], 2)}
    return found


@contextmanager
def explaining(conn: Connection) -> Iterator[None]:
    """Statements run on `conn` meanwhile answer with their EXPLAIN (ANALYZE, BUFFERS) plan."""

    def prefix(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> Any:
        return "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters

    event.listen(conn, "before_cursor_execute", prefix, retval=True)
    try:
        yield
    finally:
        event.remove(conn, "before_cursor_execute", prefix)


def explain(engine: Engine, user_id: uuid.UUID) -> dict[str, str]:
    """The plan of the id-picking statement of each term's first page, for one user."""
    plans = {}
    with engine.connect() as conn, Session(bind=conn) as session:
        for kind, term in TERMS.items():
            stmt = page_of_ids(session, user_id, term)
            with explaining(conn):
                plans[kind] = "\n".join(row[0] for row in conn.execute(stmt))
    return plans


def measure(args: argparse.Namespace, tokens: list[str], jwt_secret: str,
            work: Path) -> list[dict[str, Any]]:
    """Each term under wrk at each --clients count: p50/p95/p99 end to end."""
    rng = random.Random(args.seed)
    server = start_server(args, jwt_secret, work)
    rows = []
    try:
        for kind, term in TERMS.items():
            picked = rng.sample(tokens, min(len(tokens), 2000))
            lua = write_lua(work / f"{kind}.lua", [
                Request("GET", SEARCH_PATH.format(term=quote(term)),
                        {"Authorization": f"Bearer {tok}"})
                for tok in picked])
            for clients in args.clients:
                run_args = argparse.Namespace(**{**vars(args), "clients": clients})
                run_wrk(lua, server.port, run_args, args.warmup)

                def run(lua: Path = lua, run_args: argparse.Namespace = run_args) -> Any:
                    return run_wrk(lua, server.port, run_args, args.duration, server)

                r = least_disturbed(args, f"{kind} x{clients}", run)
                print(f"[{kind} {term!r}, {clients} connections] {r['rps']:.0f} req/s, p50 "
                      f"{r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms,"
                      f" errors {r['errors']}, others' CPU {r['other_cpu_cores']}", flush=True)
                rows.append({"kind": kind, "term": term, "clients": clients, **r})
    finally:
        server.stop()
    return rows


def print_results(rows: list[dict[str, Any]], sql: dict[str, Any]) -> None:
    """One line per term and connection count, with its p95 bar."""
    head = ("term", "hits/user", "SQL p95 ms", "connections", "req/s", "p50 ms", "p95 ms",
            "p99 ms", "errors", "p95 < bar", "others' CPU")
    print_table(head, [
        (repr(r["term"]), f"{sql[r['kind']]['hits_per_user']}",
         f"{sql[r['kind']]['sql_p95_ms']:.2f}", str(r["clients"]), f"{r['rps']:.0f}",
         f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}", str(r["errors"]),
         f"{'yes' if r['p95_ms'] < BARS_MS[r['kind']] else 'no'} <{BARS_MS[r['kind']]}",
         f"{r['other_cpu_cores']:.2f}")
        for r in rows
    ], width=11)
    print("(SQL p95: the id-picking statement alone, one user after another; the rest is end to "
          "end through the tasks function under wrk)")


def parse_args() -> argparse.Namespace:
    """The command line, with the two settings bench_api's start_server also reads."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL of a database this benchmark owns (dropped and "
                             "re-created); default $BENCH_DATABASE_URL")
    parser.add_argument("--rows", type=int, default=1_000_000, help="tasks to seed")
    parser.add_argument("--users", type=int, default=10_000, help="users sharing them")
    parser.add_argument("--clients", type=lambda v: [int(c) for c in v.split(",")],
                        default=[1, 4], help="wrk connections, comma-separated (default 1,4)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WORKERS)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (THREADS)")
    parser.add_argument("--pool-size", type=int, default=4, help="DB_POOL_SIZE of the function")
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL of the function")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk -t (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    parser.add_argument("--skip-seed", action="store_true", help="reuse an earlier run's data")
    parser.add_argument("--explain-only", action="store_true",
                        help="print hits and plans, measure nothing")
    parser.add_argument("--force-drop", action="store_true",
                        help="allow dropping a database whose name lacks 'bench'")
    parser.add_argument("--quiet-cores", type=float, default=0.3,
                        help="wait until other processes use at most this many cores")
    parser.add_argument("--quiet-seconds", type=int, default=3, help="that quiet for this long")
    parser.add_argument("--quiet-timeout", type=float, default=30,
                        help="give up waiting for quiet after this many seconds (0: never wait)")
    parser.add_argument("--retries", type=int, default=1,
                        help="measure a disturbed run again, up to this many times")
    parser.add_argument("--results", type=Path, default=RESULTS / "search.json", help="JSON output")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required")
    args.kafka = None  # start_server's outbox relay: the in-process bus (searches write nothing)
    args.function_database_url = None
    return args


def main() -> None:
    """Seed (unless --skip-seed), explain, measure, print the table, write search.json."""
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    for sig in (signal.SIGTERM, signal.SIGHUP):  # unwind through `finally`: the server stops
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    url = sqlalchemy_url(args.database_url)
    args.database_name = url.database
    plain_url = url.render_as_string(hide_password=False)
    stats: dict[str, Any] = {}
    if not args.skip_seed:
        started = time.perf_counter()
        drop_database(url, args.force_drop, create=True)
        upgrade(plain_url)
        engine = make_engine(plain_url, pool_size=2, statement_timeout_s=3600)  # COPY of 1M rows
        with engine.begin() as conn:  # seed without the search index, then time its build
            index = conn.execute(text(f"SELECT pg_get_indexdef('{SEARCH_INDEX}'::regclass)"))
            build = index.scalar_one()
            conn.execute(text(f"DROP INDEX {SEARCH_INDEX}"))
        stats = seed(engine, users=args.users, rows=args.rows, rng=random.Random(args.seed)).stats
        stats["seed_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text(build))  # the user-scoped search index over the seeded tasks
        stats["search_index_build_seconds"] = round(time.perf_counter() - started, 1)
        vacuum(engine)
        engine.dispose()
        print(f"seeded: {stats}", flush=True)
    engine = make_engine(plain_url, pool_size=2)
    work = Path(tempfile.mkdtemp(prefix="taskai-bench-search-"))
    try:
        users = user_ids(engine)
        sql = database_side(engine, users)
        print(f"terms: {TERMS}; per term, matching tasks per user and the id-picking statement "
              f"alone (1000 users, one at a time): {json.dumps(sql)}")
        plans = explain(engine, users[len(users) // 2])
        for kind, plan in plans.items():
            print(f"\nEXPLAIN ANALYZE, {kind} {TERMS[kind]!r}:\n{plan}")
        if args.explain_only:
            return
        jwt_secret = secrets.token_urlsafe(48)
        settings = Settings.from_env({"DATABASE_URL": args.database_url, "JWT_SECRET": jwt_secret})
        issuer = TokenIssuer(secret=jwt_secret, issuer=settings.jwt_issuer,
                             audience=settings.jwt_audience, ttl_seconds=settings.jwt_ttl_seconds)
        now = datetime.now(UTC)
        tokens = [issuer.issue(user_id, now=now) for user_id in users]
        rows = measure(args, tokens, jwt_secret, work)
        print_results(rows, sql)
        report = {
            "measured_at": now.isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "config": {k: getattr(args, k) for k in ("rows", "users", "clients", "duration",
                                                      "warmup", "workers", "threads",
                                                      "pool_size", "log_level", "seed")},
            "git": git_state(), "seed": stats, "terms": TERMS, "database_side": sql,
            "plans": plans, "results": rows,
        }
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"\nwrote {args.results.name} in bench/results/")
    finally:
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
