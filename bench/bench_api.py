"""Throughput and latency of the tasks function on PostgreSQL, served the production way.

What it measures
  The `tasks` function runs exactly as Knative runs it: the functions-framework CLI
  (`python -m functions_framework --target tasks --source functions/tasks/main.py`), which
  builds the app with `functions_framework.create_app(target, source)` and serves it with its
  own `GunicornApplication` (gunicorn, gthread workers since threads > 1, timeout 0). Workers and
  threads are chosen explicitly through the WORKERS / THREADS variables that integration reads.

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

    # knobs (defaults): --duration 20 --warmup 3 --clients 32 --workers 2 --threads 16
    #                   --rows 100000 --users 100 --phases list,search,create
    # reuse an already seeded database:   --skip-seed
    # profile one operation with cProfile in a single sync worker (prints the top functions):
    python bench/bench_api.py --database-url ... --skip-seed --profile list
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from taskai.adapters import orm
from taskai.adapters.db import make_engine
from taskai.adapters.migrate import upgrade
from taskai.adapters.security import TokenIssuer, hash_password
from taskai.config import Settings, normalize_database_url
from taskai.domain.recurrence import Recurrence
from taskai.domain.tasks import PRIORITIES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SOURCE = ROOT / "functions" / "tasks" / "main.py"

LIST_PATH = "/api/tasks?status=pending&priority=high&tag=work&sort=due&limit=50"
NEVER = "9999-12-31 00:00:00+00"  # task_search.NEVER: tasks without a due date sort last

# Tags every seeded user has, with the chance that a task carries each one (independently).
TAGS = {
    "work": 0.35, "home": 0.25, "errands": 0.12, "health": 0.10, "finance": 0.10, "family": 0.10,
    "shopping": 0.08, "reading": 0.05, "travel": 0.05, "garden": 0.04, "car": 0.04, "school": 0.04,
}
STATUSES = (("pending", 0.55), ("in_progress", 0.10), ("completed", 0.35))
PRIORITY_WEIGHTS = (("low", 0.25), ("medium", 0.45), ("high", 0.20), ("urgent", 0.10))
ZONES = ("UTC", "America/New_York", "America/Los_Angeles", "Europe/Berlin", "Europe/London",
         "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata", "Africa/Lagos")
RECURRENCE_PRESETS = ("daily", "weekdays", "weekly", "monthly", "yearly")

# Words of titles and descriptions, most frequent first (Zipf weights by rank). No stop words:
# PostgreSQL's english configuration would drop them from search_vector and from the query.
WORDS = """
call email buy review send pay fix schedule book check update order clean meeting report
plan write prepare renew cancel follow invoice draft budget project client team doctor
dentist groceries rent insurance car taxes kitchen garden school birthday gift flight hotel
ticket passport appointment contract proposal slides presentation deadline quarterly
monthly weekly summary notes agenda feedback interview candidate hiring onboarding training
workshop conference travel visa bank transfer loan mortgage bill electricity water internet
phone subscription laptop printer backup password server deploy release bug feature
ticketing roadmap design mockup website blog newsletter social campaign launch marketing
sales lead customer support refund return package delivery shipping warehouse inventory
supplier vendor quote estimate receipt expense reimbursement payroll salary bonus review
vacation holiday weekend dinner lunch breakfast recipe pharmacy prescription vitamins gym
run yoga swim bike tennis football concert museum movie theater library books course
homework exam lesson teacher parents kids daughter son wife husband mom dad grandma uncle
neighbor friend party wedding anniversary flowers cake paint repair plumber electrician
roof window door fence lawn leaves snow garage basement attic furniture sofa mattress
curtains lamp fridge oven dishwasher laundry vacuum trash recycling compost seeds tomatoes
roses tree hedge patio grill camping tent hiking boots jacket shoes glasses haircut vet dog
cat walk food appointment charger cable monitor keyboard headphones camera photos album
frame calendar
"""
VOCABULARY = tuple(WORDS.split())
SEARCH_RANKS = range(10, 170, 8)  # 20 search words spread over frequent-to-rare ranks

MARK = "WRK_RESULT "


# --------------------------------------------------------------------------------------------
# Database: create, migrate, seed


def sqlalchemy_url(url: str) -> URL:
    return make_url(normalize_database_url(url))


def admin_engine(url: URL) -> Engine:
    """An autocommit engine on the server's maintenance database (for CREATE/DROP DATABASE)."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


def recreate_database(url: URL, force: bool) -> None:
    name = url.database or ""
    if "bench" not in name and not force:
        sys.exit(f"refusing to drop database {name!r}: its name lacks 'bench' (use --force-drop)")
    engine = admin_engine(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    upgrade(url.render_as_string(hide_password=False))


def copy_value(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text_value = str(value)
    return (text_value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def copy_rows(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    """COPY rows (dicts keyed by column name) into one of the library's tables."""
    columns = [c.name for c in table.columns]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_value(row.get(name)) for name in columns))
        buffer.write("\n")
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        copy = f"COPY {table.fullname} ({', '.join(columns)}) FROM STDIN"
        cursor.execute(copy, stream=buffer)  # type: ignore[call-arg]  # pg8000's COPY FROM
        raw.commit()
    finally:
        raw.close()


def weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class Seed:
    """What the load generators need to know about the seeded data."""

    user_ids: list[uuid.UUID]
    tag_ids: dict[tuple[int, str], uuid.UUID]
    seed_time: datetime
    search_words: list[str]
    stats: dict[str, Any] = field(default_factory=dict)


def seed(engine: Engine, *, users: int, rows: int, rng: random.Random) -> Seed:
    """Users, tags and tasks by COPY; tags go to tasks.tags and tasks.task_tags."""
    now = datetime.now(UTC).replace(microsecond=0)
    weights = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]
    per_user = [rows // users + (1 if i < rows % users else 0) for i in range(users)]
    password_hash = hash_password("bench password", rounds=4)  # nobody logs in: tokens are minted
    presets = [Recurrence.from_input({"preset": p}).rule for p in RECURRENCE_PRESETS]

    user_rows, tag_rows, task_rows, task_tag_rows, reminder_rows = [], [], [], [], []
    user_ids, tag_ids = [], {}
    for u in range(users):
        user_id = uuid.uuid4()
        user_ids.append(user_id)
        seq = 0
        for name in TAGS:
            seq += 1
            tag_id = uuid.uuid4()
            tag_ids[(u, name)] = tag_id
            created = now - timedelta(days=400)
            tag_rows.append({"id": tag_id, "user_id": user_id, "name": name, "key": name,
                             "color": "#4073ff", "created_at": created, "updated_at": created,
                             "change_seq": seq})
        for _ in range(per_user[u]):
            seq += 1
            task_id = uuid.uuid4()
            created = now - timedelta(seconds=rng.randint(3600, 365 * 86400))
            edited = created + timedelta(seconds=rng.randint(0, 30 * 86400))
            updated = min(now - timedelta(seconds=1), edited)
            status = weighted(rng, STATUSES)
            due = None
            if rng.random() < 0.65:
                due = (now + timedelta(days=rng.uniform(-60, 120))).replace(second=0, microsecond=0)
            title_words = rng.choices(VOCABULARY, weights, k=rng.randint(2, 6))
            description = ""
            if rng.random() < 0.6:
                description = " ".join(rng.choices(VOCABULARY, weights, k=rng.randint(5, 25))) + "."
            rule = rng.choice(presets) if rng.random() < 0.05 else None
            task_rows.append({
                "id": task_id, "user_id": user_id,
                "title": " ".join(title_words).capitalize(), "description": description,
                "status": status, "priority": PRIORITIES.index(weighted(rng, PRIORITY_WEIGHTS)),
                "due_at": due, "recurrence_rule": rule,
                "recurrence_anchor": "due" if rule else None,
                "series_id": task_id if rule else None,
                "series_start": (due or created) if rule else None,
                "occurrence": 1 if rule else None, "skipped": False,
                "created_at": created, "updated_at": updated,
                "completed_at": updated if status == "completed" else None, "change_seq": seq,
            })
            for name, chance in TAGS.items():
                if rng.random() < chance:
                    task_tag_rows.append({"task_id": task_id, "tag_id": tag_ids[(u, name)]})
            if due is not None and rng.random() < 0.15:
                minutes = rng.choice((15, 60, 1440))
                fire_at = due - timedelta(minutes=minutes)
                state = "pending" if fire_at > now else "sent"
                if status == "completed":
                    state = "cancelled"
                reminder_rows.append({"id": uuid.uuid4(), "task_id": task_id, "user_id": user_id,
                                      "minutes_before": minutes, "at": None, "fire_at": fire_at,
                                      "status": state, "created_at": created})
        user_rows.append({"id": user_id, "email": f"bench-{u:04d}@example.com",
                          "password_hash": password_hash, "name": f"Bench user {u}",
                          "timezone": ZONES[u % len(ZONES)], "change_seq": seq,
                          "created_at": now - timedelta(days=400)})

    with engine.begin() as conn:  # 100 users: executemany is plenty
        conn.execute(insert(orm.users), user_rows)
    for table, table_rows in ((orm.tags, tag_rows), (orm.tasks, task_rows),
                              (orm.task_tags, task_tag_rows), (orm.reminders, reminder_rows)):
        copy_rows(engine, table, table_rows)
    search_words = [VOCABULARY[rank] for rank in SEARCH_RANKS]
    return Seed(user_ids, tag_ids, now, search_words, stats={
        "users": users, "tasks": len(task_rows), "tags": len(tag_rows),
        "task_tags": len(task_tag_rows), "reminders": len(reminder_rows),
        "recurring": sum(1 for r in task_rows if r["recurrence_rule"]),
    })


def vacuum(engine: Engine) -> None:
    """VACUUM ANALYZE the tables the benchmark reads and writes (outside any transaction)."""
    autocommit = create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with autocommit.connect() as conn:
        for table in ("users", "tasks.tasks", "tasks.tags", "tasks.task_tags", "tasks.reminders",
                      "events.outbox"):
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    autocommit.dispose()


BENCH_SCHEMA = """
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE bench.users (u int PRIMARY KEY, user_id uuid NOT NULL);
CREATE TABLE bench.tags (u int, t int, user_id uuid NOT NULL, tag_id uuid NOT NULL,
                         key text NOT NULL, PRIMARY KEY (u, t));
CREATE TABLE bench.words (w int PRIMARY KEY, word text NOT NULL);
CREATE TABLE bench.list_pages (u int PRIMARY KEY, user_id uuid NOT NULL, ids uuid[] NOT NULL);
CREATE TABLE bench.search_pages (u int, w int, user_id uuid NOT NULL, word text NOT NULL,
                                 ids uuid[] NOT NULL, PRIMARY KEY (u, w));
"""


def save_bench_tables(engine: Engine, s: Seed) -> None:
    """Side tables pgbench reads its parameters from (one primary-key lookup per transaction)."""
    with engine.begin() as conn:
        for statement in BENCH_SCHEMA.split(";"):
            if statement.strip():
                conn.execute(text(statement))
        conn.execute(text("INSERT INTO bench.meta VALUES (:k, :v)"), [
            {"k": "seed_time", "v": s.seed_time.isoformat()},
            {"k": "stats", "v": json.dumps(s.stats)},
        ])
        conn.execute(text("INSERT INTO bench.users VALUES (:u, :id)"),
                     [{"u": u, "id": i} for u, i in enumerate(s.user_ids, 1)])
        conn.execute(text("INSERT INTO bench.tags VALUES (:u, :t, :user_id, :tag_id, :key)"), [
            {"u": u + 1, "t": t, "user_id": s.user_ids[u], "tag_id": s.tag_ids[(u, name)],
             "key": name}
            for u in range(len(s.user_ids)) for t, name in enumerate(TAGS, 1)
        ])
        conn.execute(text("INSERT INTO bench.words VALUES (:w, :word)"),
                     [{"w": w, "word": word} for w, word in enumerate(s.search_words, 1)])


def load_seed(engine: Engine) -> Seed:
    """The Seed of an already seeded database (--skip-seed)."""
    with engine.connect() as conn:
        meta: dict[str, str] = dict(conn.execute(text("SELECT key, value FROM bench.meta")).all())
        users = [r[0] for r in conn.execute(text("SELECT user_id FROM bench.users ORDER BY u"))]
        tags = {(u - 1, key): tag_id for u, key, tag_id in
                conn.execute(text("SELECT u, key, tag_id FROM bench.tags"))}
        words = [r[0] for r in conn.execute(text("SELECT word FROM bench.words ORDER BY w"))]
    return Seed(users, tags, datetime.fromisoformat(meta["seed_time"]), words,
                stats=json.loads(meta["stats"]))


def refresh_pages(engine: Engine) -> None:
    """The ids each list/search page holds now: pgbench's selectin loads ask for exactly these.

    Same ORDER BY and LIMIT (page + 1) as task_search.page_of_tasks; SQLAlchemy's selectin
    loaders fetch tags and reminders for every row of the result, the extra one included.
    """
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE bench.list_pages, bench.search_pages"))
        conn.execute(text(f"""
            INSERT INTO bench.list_pages
            SELECT u.u, u.user_id, ARRAY(
                SELECT t.id FROM tasks.tasks t
                WHERE t.user_id = u.user_id AND t.status IN ('pending') AND t.priority IN (2)
                  AND t.id IN (SELECT tt.task_id FROM tasks.task_tags tt
                               JOIN tasks.tags g ON g.id = tt.tag_id
                               WHERE g.user_id = u.user_id AND g.key IN ('work')
                               GROUP BY tt.task_id)
                ORDER BY coalesce(t.due_at, '{NEVER}'::timestamptz), t.id LIMIT 51)
            FROM bench.users u"""))
        conn.execute(text("""
            INSERT INTO bench.search_pages
            SELECT u.u, w.w, u.user_id, w.word, ARRAY(
                SELECT t.id FROM tasks.tasks t
                WHERE t.user_id = u.user_id
                  AND t.search_vector @@ websearch_to_tsquery('english'::regconfig, w.word)
                ORDER BY round(CAST(ts_rank_cd(t.search_vector,
                         websearch_to_tsquery('english'::regconfig, w.word))
                         AS NUMERIC(12, 6)), 6) DESC, t.id DESC
                LIMIT 21)
            FROM bench.users u CROSS JOIN bench.words w"""))


def data_profile(engine: Engine, s: Seed) -> dict[str, Any]:
    """How selective the benchmarked queries are on this data."""
    with engine.connect() as conn:
        listed = conn.execute(text("SELECT avg(cardinality(ids)), min(cardinality(ids)), "
                                   "max(cardinality(ids)) FROM bench.list_pages")).one()
        hits = conn.execute(text("""
            SELECT w.word, count(*) FROM bench.words w JOIN tasks.tasks t
              ON t.search_vector @@ websearch_to_tsquery('english'::regconfig, w.word)
            GROUP BY w.word ORDER BY count(*) DESC""")).all()
        tasks = conn.execute(text("SELECT count(*) FROM tasks.tasks")).scalar_one()
    per_user = {word: n / len(s.user_ids) for word, n in hits}
    return {
        "tasks": tasks,
        "list_filter_rows_per_user": {"avg": round(float(listed[0]), 1), "min": listed[1],
                                      "max": listed[2]},
        "search_hits_per_user": {w: round(n, 1) for w, n in per_user.items()},
        "search_hit_fraction_avg": round(
            sum(per_user.values()) / len(per_user) / (tasks / len(s.user_ids)), 4),
    }


def delete_created_tasks(engine: Engine, s: Seed) -> int:
    """Take away what a create phase added, so that every phase sees the seed."""
    with engine.begin() as conn:
        n = conn.execute(text("DELETE FROM tasks.tasks WHERE created_at > :t"),
                         {"t": s.seed_time}).rowcount
        conn.execute(text("TRUNCATE events.outbox"))
    vacuum(engine)
    return n


# --------------------------------------------------------------------------------------------
# The server, as functions-framework runs it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering /health")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not answer /health in time")


class Server:
    """One functions-framework process tree (its own session, so we can stop all of it)."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path, port: int):
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.port = port
        wait_healthy(port, self.proc)

    def wait_workers(self, workers: int, timeout: float = 30) -> None:
        """Return once the master has forked all its workers (the first may answer alone)."""
        deadline = time.monotonic() + timeout
        while len(self.pids()) < workers + 1 and time.monotonic() < deadline:
            time.sleep(0.05)

    def pids(self) -> list[int]:
        """The master and its workers."""
        found = [self.proc.pid]
        for path in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = path.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:  # ppid
                found.append(int(path.parent.name))
        return found

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


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


def start_server(args: argparse.Namespace, jwt_secret: str, work: Path) -> Server:
    """`functions-framework --target tasks --source ...`: create_app + GunicornApplication."""
    port = free_port()
    argv = [sys.executable, "-m", "functions_framework", "--target", "tasks",
            "--source", str(SOURCE), "--host", "127.0.0.1", "--port", str(port)]
    server = Server(argv, server_env(args, jwt_secret), work / "server.log", port)
    server.wait_workers(args.workers)
    return server


PROFILE_LAUNCHER = """
import cProfile, sys
from functions_framework import create_app
from functions_framework._http.gunicorn import GunicornApplication
source, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = create_app("tasks", source)
profile = cProfile.Profile()
def post_fork(server, worker):
    profile.enable()
def worker_exit(server, worker):
    profile.disable()
    profile.dump_stats(out)
GunicornApplication(app, "127.0.0.1", port, False, workers=1, threads=1,
                    post_fork=post_fork, worker_exit=worker_exit).run()
"""


def start_profiled_server(
    args: argparse.Namespace, jwt_secret: str, work: Path
) -> tuple[Server, Path]:
    """functions-framework's GunicornApplication with one sync worker under cProfile."""
    port, out = free_port(), work / "profile.pstats"
    argv = [sys.executable, "-c", PROFILE_LAUNCHER, str(SOURCE), str(port), str(out)]
    return Server(argv, server_env(args, jwt_secret), work / "server.log", port), out


# --------------------------------------------------------------------------------------------
# Load generators

WRK_LUA = r"""
-- written by bench/bench_api.py: random user per request; create bodies with 2 tags
local mode = "%(mode)s"
local tokens = {%(tokens)s}
local words = {%(words)s}
local tags = {%(tags)s}
local priorities = {"low", "medium", "high", "urgent"}
local list_path = "%(list_path)s"

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_number or 0))
  math.random(); math.random()
end

local function pick(list) return list[math.random(#list)] end

local function phrase(low, high)
  local parts = {}
  for i = 1, math.random(low, high) do parts[i] = pick(words) end
  return table.concat(parts, " ")
end

function request()
  local headers = {["Authorization"] = "Bearer " .. pick(tokens)}
  if mode == "create" then
    headers["Content-Type"] = "application/json"
    local a = math.random(#tags)
    local b = (a + math.random(#tags - 1) - 1) %% #tags + 1
    local due = ""
    if math.random() < 0.7 then
      local moment = os.time() + math.random(1, 60) * 86400
      due = ',"due_date":"' .. os.date("!%%Y-%%m-%%dT%%H:00:00", moment) .. '"'
    end
    local description = ""
    if math.random() < 0.6 then description = phrase(5, 25) .. "." end
    local body = '{"title":"' .. phrase(2, 6) .. '","description":"' .. description ..
      '","priority":"' .. pick(priorities) .. '","tags":["' .. tags[a] .. '","' .. tags[b] ..
      '"]' .. due .. '}'
    return wrk.format("POST", "/api/tasks", headers, body)
  elseif mode == "search" then
    return wrk.format("GET", "/api/tasks?q=" .. pick(words) .. "&limit=20", headers)
  end
  return wrk.format("GET", list_path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"mean_us":%%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, math.floor(latency.mean)))
end
"""


def lua_list(items: Iterable[str]) -> str:
    return ", ".join(json.dumps(item) for item in items)


def write_lua(work: Path, mode: str, tokens: list[str], s: Seed) -> Path:
    words = VOCABULARY if mode == "create" else s.search_words
    path = work / f"{mode}.lua"
    path.write_text(WRK_LUA % {"mode": mode, "tokens": lua_list(tokens), "words": lua_list(words),
                               "tags": lua_list(list(TAGS)), "list_path": LIST_PATH, "mark": MARK})
    return path


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


def run_wrk(lua: Path, port: int, args: argparse.Namespace, seconds: float,
            server: Server | None = None) -> dict[str, Any]:
    """One wrk run; returns its numbers and where the CPU went."""
    argv = ["wrk", "-t", str(args.wrk_threads), "-c", str(args.clients), "-d",
            f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(lua),
            f"http://127.0.0.1:{port}"]
    window = CpuWindow(args.database_name, server)
    done = subprocess.run(argv, capture_output=True, text=True)
    cpu = window.close()
    if done.returncode != 0 or MARK not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith(MARK))
    r = json.loads(line[len(MARK):])
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    server_seconds = cpu.pop("server_cpu_seconds")
    return {
        "requests": r["requests"], "rps": r["requests"] / (r["duration_us"] / 1e6),
        "p50_ms": r["p50_us"] / 1000, "p90_ms": r["p90_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000, "mean_ms": r["mean_us"] / 1000, "errors": errors,
        "error_detail": {k: r[k] for k in ("connect", "read", "write", "status", "timeout")},
        "server_cpu_ms_per_request": round(1000 * server_seconds / max(r["requests"], 1), 2),
        **cpu,
    }


def pg_env_and_args(url: URL) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env, ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                 "-U", url.username or "postgres", url.database or "postgres"]


def pgbench_binary() -> str:
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                check=True).stdout.strip()
        if Path(bindir, "pgbench").exists():
            return str(Path(bindir, "pgbench"))
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"),
                   key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)])
    if found:
        return str(found[-1])
    if shutil.which("pgbench"):
        return "pgbench"
    sys.exit("pgbench not found (install postgresql-contrib / postgresql-client)")


# The SQL the API sends for each operation, statement by statement, as SQLAlchemy emits it
# (log it with logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)). The first line
# of each reads the request's parameters from the bench.* side tables (one primary-key lookup);
# everything else is what the function sends, with the same bound parameters. Not included:
# the pool's pre-ping (an empty query per checkout) and pg8000's extra round trips per
# statement - that is part of what the API/pgbench ratio measures.
def columns(table: Any, prefix: str) -> str:
    return ", ".join(f"{prefix}.{c.name}" for c in table.columns)


TASK_COLUMNS = columns(orm.tasks, "tasks.tasks")
TAG_COLUMNS = columns(orm.tags, "tasks.tags")
REMINDER_COLUMNS = columns(orm.reminders, "tasks.reminders")
USER_COLUMNS = columns(orm.users, "users")
TASK_INSERT_COLUMNS = ", ".join(c.name for c in orm.tasks.columns)
# The owner's time zone, read by Call.zone() in a unit of work of its own after the operation's.
ZONE_TRANSACTION = f"""BEGIN;
SELECT {USER_COLUMNS}
  FROM users WHERE users.id = :uid::UUID;
ROLLBACK;
"""
# SQLAlchemy's selectin loads of Task.tags and Task.reminders for the rows of a page.
SELECTIN_LOADS = f"""SELECT tasks.task_tags.task_id, {TAG_COLUMNS}
  FROM tasks.task_tags JOIN tasks.tags ON tasks.tags.id = tasks.task_tags.tag_id
 WHERE tasks.task_tags.task_id = ANY(:ids::UUID[]);
SELECT tasks.reminders.task_id, {REMINDER_COLUMNS}
  FROM tasks.reminders WHERE tasks.reminders.task_id = ANY(:ids::UUID[])
 ORDER BY tasks.reminders.created_at;
"""
OUTBOX_DATA = json.dumps({"task": {  # about the size of a TaskCreated event's data
    "id": str(uuid.UUID(int=0)), "user_id": str(uuid.UUID(int=0)),
    "title": "Review quarterly invoice draft",
    "description": "send the budget summary to the client team before the meeting.",
    "status": "pending", "priority": "high", "due_date": "2031-01-01T09:00:00+00:00",
    "tags": ["home", "work"], "recurrence": None, "series_id": None, "occurrence": None,
    "reminders": [], "completed_at": None}})
CREATE_SQL = rf"""\set u random(1, :users)
\set t1 random(1, :ntags)
\set t2 (:t1 + random(0, :ntags - 2)) % :ntags + 1
\set prio random(0, 3)
\set due random(1, 60)
SELECT a.user_id AS uid, a.key AS key1, a.tag_id AS tag1, b.key AS key2, b.tag_id AS tag2
  FROM bench.tags a JOIN bench.tags b ON b.u = a.u AND b.t = :t2
 WHERE a.u = :u AND a.t = :t1 \gset
BEGIN;
SELECT {USER_COLUMNS}
  FROM users WHERE users.id = :uid::UUID;
SELECT {TAG_COLUMNS}
  FROM tasks.tags
 WHERE tasks.tags.user_id = :uid::UUID AND tasks.tags.key IN (:key1::VARCHAR, :key2::VARCHAR);
UPDATE users SET change_seq=(users.change_seq + 1::BIGINT) WHERE users.id = :uid::UUID
RETURNING users.change_seq AS seq \gset
INSERT INTO tasks.tasks ({TASK_INSERT_COLUMNS})
VALUES (gen_random_uuid(), :uid::UUID, 'Review quarterly invoice draft'::VARCHAR,
        'send the budget summary to the client team before the meeting.'::VARCHAR,
        'pending'::VARCHAR, :prio::SMALLINT, now() + make_interval(days => :due),
        NULL::VARCHAR, NULL::VARCHAR, NULL::UUID, NULL::TIMESTAMPTZ, NULL::INTEGER, false,
        now(), now(), NULL::TIMESTAMPTZ, :seq::BIGINT)
RETURNING id AS task_id \gset
INSERT INTO tasks.task_tags (task_id, tag_id) VALUES (:task_id::UUID, :tag1::UUID);
INSERT INTO tasks.task_tags (task_id, tag_id) VALUES (:task_id::UUID, :tag2::UUID);
INSERT INTO events.outbox (event_id, topic, key, type, occurred_at, data, traceparent)
VALUES (gen_random_uuid()::VARCHAR, 'task-events'::VARCHAR, :task_id::VARCHAR,
        'com.taskai.task.created'::VARCHAR, now(), '{OUTBOX_DATA}'::JSON, NULL::VARCHAR)
RETURNING events.outbox.position;
COMMIT;
"""
LIST_SQL = rf"""\set u random(1, :users)
SELECT user_id AS uid, ids FROM bench.list_pages WHERE u = :u \gset
BEGIN;
SELECT {TASK_COLUMNS},
       coalesce(tasks.tasks.due_at, '{NEVER}'::TIMESTAMP WITH TIME ZONE) AS coalesce_1
  FROM tasks.tasks
 WHERE tasks.tasks.user_id = :uid::UUID AND tasks.tasks.status IN ('pending'::VARCHAR)
   AND tasks.tasks.priority IN (2::SMALLINT)
   AND tasks.tasks.id IN (SELECT tasks.task_tags.task_id
                            FROM tasks.task_tags JOIN tasks.tags
                              ON tasks.tags.id = tasks.task_tags.tag_id
                           WHERE tasks.tags.user_id = :uid::UUID
                             AND tasks.tags.key IN ('work'::VARCHAR)
                           GROUP BY tasks.task_tags.task_id)
 ORDER BY coalesce(tasks.tasks.due_at, '{NEVER}'::TIMESTAMP WITH TIME ZONE) ASC,
          tasks.tasks.id ASC
 LIMIT 51;
{SELECTIN_LOADS}ROLLBACK;
"""
RANK = ("round(CAST(ts_rank_cd(tasks.tasks.search_vector, websearch_to_tsquery("
        "'english'::regconfig, :word::VARCHAR)) AS NUMERIC(12, 6)), 6)")
SEARCH_SQL = rf"""\set u random(1, :users)
\set w random(1, :nwords)
SELECT user_id AS uid, word, ids FROM bench.search_pages WHERE u = :u AND w = :w \gset
BEGIN;
SELECT {TASK_COLUMNS},
       {RANK} AS round_1
  FROM tasks.tasks
 WHERE tasks.tasks.user_id = :uid::UUID
   AND (tasks.tasks.search_vector @@ websearch_to_tsquery('english'::regconfig, :word::VARCHAR))
 ORDER BY {RANK} DESC, tasks.tasks.id DESC
 LIMIT 21;
{SELECTIN_LOADS}ROLLBACK;
"""
PGBENCH_SCRIPTS = {
    "create": CREATE_SQL + ZONE_TRANSACTION,
    "list": LIST_SQL + ZONE_TRANSACTION,
    "search": SEARCH_SQL + ZONE_TRANSACTION,
}


def run_pgbench(op: str, url: URL, args: argparse.Namespace, s: Seed, work: Path,
                seconds: float, measure: bool = True) -> dict[str, Any]:
    """pgbench -c N -j 2 -M extended on the operation's script; percentiles from its -l log."""
    script = work / f"pgbench_{op}.sql"
    script.write_text(PGBENCH_SCRIPTS[op])
    env, conn = pg_env_and_args(url)
    logs = work / f"pgbench_{op}_log"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    argv = [pgbench_binary(), "-n", "-M", "extended", "-c", str(args.clients), "-j",
            str(args.pgbench_threads), "-T", str(max(1, round(seconds))), "-f", str(script),
            "-D", f"users={len(s.user_ids)}", "-D", f"ntags={len(TAGS)}",
            "-D", f"nwords={len(s.search_words)}"]
    if measure:
        argv += ["-l", "--log-prefix", str(logs / "tx")]
    window = CpuWindow(args.database_name)
    done = subprocess.run(argv + conn, env=env, capture_output=True, text=True, cwd=work)
    cpu = window.close()
    cpu.pop("server_cpu_seconds")
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{done.stdout}\n{done.stderr}")
    if not measure:
        return {}
    out = done.stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"number of failed transactions: (\d+)", out)
    latencies = []
    for log in logs.iterdir():
        for line in log.read_text().splitlines():
            latencies.append(int(line.split()[2]) / 1000)
    latencies.sort()
    return {
        "tps": tps, "transactions": len(latencies),
        "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
        "mean_ms": statistics.fmean(latencies), "failed": int(failed.group(1)) if failed else 0,
        **cpu,
    }


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return math.nan
    index = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


# --------------------------------------------------------------------------------------------
# Phases and report


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

    kind = "gthread" if args.threads > 1 else "sync"
    return (f"functions-framework {version('functions-framework')} CLI -> create_app('tasks', "
            f"functions/tasks/main.py) under its GunicornApplication: gunicorn "
            f"{gunicorn.__version__}, "
            f"worker class {kind}, WORKERS={args.workers}, THREADS={args.threads}, timeout 0, "
            f"DB_POOL_SIZE={args.pool_size} (+{args.pool_size} overflow) per worker, "
            f"LOG_LEVEL={args.log_level}")


def version(dist: str) -> str:
    from importlib.metadata import version as v

    return v(dist)


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the work tree differed from it."""
    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"),
            "changed_files": len(git("status", "--porcelain").splitlines())}


def print_table(rows: list[dict[str, Any]]) -> None:
    head = ("operation", "API req/s", "p50 ms", "p99 ms", "errors", "pgbench tps", "pg p50 ms",
            "pg p99 ms", "API/pgbench", "others' CPU")
    print("\n" + " | ".join(f"{h:>13}" for h in head))
    print("-" * (16 * len(head)))
    for r in rows:
        a, p = r["api"], r["pgbench"]
        cells = (r["operation"], f"{a['rps']:.0f}", f"{a['p50_ms']:.1f}", f"{a['p99_ms']:.1f}",
                 str(a["errors"]), f"{p['tps']:.0f}", f"{p['p50_ms']:.1f}", f"{p['p99_ms']:.1f}",
                 f"{r['ratio']:.3f} (1/{1 / r['ratio']:.1f})" if r["ratio"] else "-",
                 f"{a['other_cpu_cores']:.2f} / {p['other_cpu_cores']:.2f}")
        print(" | ".join(f"{c:>13}" for c in cells))
    print("(others' CPU: cores used by processes that are not this benchmark's during the API / "
          "pgbench run; near 0 means an undisturbed measurement)")


def run_benchmark(args: argparse.Namespace, url: URL, engine: Engine, s: Seed, work: Path,
                  tokens: list[str], jwt_secret: str) -> dict[str, Any]:
    server = start_server(args, jwt_secret, work)
    try:
        print(f"server: pid {server.proc.pid}, port {server.port}, pids {server.pids()}")
        print(f"smoke: {smoke(server.port, tokens, s)}")
        delete_created_tasks(engine, s)
        results: dict[str, dict[str, Any]] = {}
        for op in [op for op in ("list", "search", "create") if op in args.phases]:  # reads first
            lua = write_lua(work, op, tokens, s)

            def api_run(op: str = op, lua: Path = lua) -> dict[str, Any]:
                print(f"\n[{op}] wrk warm-up {args.warmup}s, then {args.duration}s with "
                      f"{args.clients} connections ...", flush=True)
                run_wrk(lua, server.port, args, args.warmup)
                result = run_wrk(lua, server.port, args, args.duration, server)
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

            api = least_disturbed(args, f"{op} API", api_run)
            refresh_pages(engine)
            pg = least_disturbed(args, f"{op} pgbench", pgbench_run)
            results[op] = {"api": api, "pgbench": pg}
        return results
    finally:
        server.stop()


def fmt(r: dict[str, Any]) -> str:
    return (f"{r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
            f"errors {r['errors']}; {fmt_cpu(r)}, {r['server_cpu_ms_per_request']} ms server CPU "
            "per request")


def fmt_pg(r: dict[str, Any]) -> str:
    return (f"{r['tps']:.0f} tps, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
            f"failed {r['failed']}; {fmt_cpu(r)}")


def fmt_cpu(r: dict[str, Any]) -> str:
    return (f"CPU cores: machine {r['machine_busy_cores']}, server {r.get('server_cpu_cores', 0)}, "
            f"client {r['client_cpu_cores']}, postgres+rest {r['postgres_and_rest_cpu_cores']}, "
            f"others {r['other_cpu_cores']}")


def run_profile(args: argparse.Namespace, s: Seed, work: Path, tokens: list[str],
                jwt_secret: str, engine: Engine) -> None:
    """cProfile one worker (1 thread, so requests run on the profiled thread) under wrk load."""
    import pstats

    server, out = start_profiled_server(args, jwt_secret, work)
    try:
        lua = write_lua(work, args.profile, tokens, s)
        profile_args = argparse.Namespace(**{**vars(args), "clients": 2, "wrk_threads": 1})
        result = run_wrk(lua, server.port, profile_args, args.duration, server)
        print(f"profiled {args.profile}: {fmt(result)}")
    finally:
        server.stop()
    if args.profile == "create":
        delete_created_tasks(engine, s)
    stats = pstats.Stats(str(out))
    total = stats.total_tt  # type: ignore[attr-defined]
    requests = max(result["requests"], 1)
    print(f"\nprofile: {total:.2f} s profiled (wall time of the one worker thread) for {requests} "
          f"requests = {1000 * total / requests:.2f} ms/request, cProfile overhead included")
    areas: dict[str, float] = {}
    for (filename, _, function), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        area = area_of(filename, function)
        areas[area] = areas.get(area, 0) + tottime
    print("\nself time by package:")
    for name, seconds in sorted(areas.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<34} {100 * seconds / total:5.1f} %  "
              f"{1000 * seconds / requests:6.3f} ms/request")
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(40)


def area_of(filename: str, function: str = "") -> str:
    """A package-level label for a profiled function's file (C functions by what they do)."""
    waits = r"'(recv|recv_into|send|sendall|poll|select|accept)'"
    if filename == "~" and re.search(waits, function):
        return "socket I/O + waiting (wall time)"
    path = filename.replace("\\", "/")
    for marker in ("site-packages/", "/shared/taskai/", "/functions/", "/lib/python"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            if marker == "/shared/taskai/":
                return "taskai/" + rest.split("/", 1)[0]
            if marker == "/functions/":
                return "functions/" + rest.split("/", 1)[0]
            if marker == "/lib/python":
                rest = rest.split("/", 1)[1] if "/" in rest else rest
                return "stdlib:" + rest.split("/", 1)[0].removesuffix(".py")
            return rest.split("/", 1)[0].removesuffix(".py")
    if filename == "~":
        return "builtins (C functions)"
    return filename if filename.startswith("<") else "other"


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
    parser.add_argument("--threads", type=int, default=16, help="threads per worker (THREADS)")
    parser.add_argument("--pool-size", type=int, default=10, help="DB_POOL_SIZE of the function")
    parser.add_argument("--log-level", default="INFO", help="LOG_LEVEL of the function (INFO: "
                        "one JSON line per request, as deployed)")
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
    parser.add_argument("--profile", choices=("list", "search", "create"),
                        help="instead of the benchmark: cProfile one sync worker on this operation")
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

        if args.profile:
            run_profile(args, s, work, tokens, jwt_secret, engine)
            return

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
                         "meets_target": bool(ratio and ratio >= 0.2 and r["api"]["p99_ms"] < 50
                                              and r["api"]["errors"] == 0)})
        print_table(rows)
        print("\ntarget: API >= 1/5 of pgbench and p99 < 50 ms at "
              f"{args.clients} clients: " + ", ".join(
                  f"{r['operation']} {'met' if r['meets_target'] else 'NOT met'}" for r in rows))
        report = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "server": describe_server(args),
            "config": {k: getattr(args, k) for k in ("rows", "users", "duration", "warmup",
                                                      "clients", "workers", "threads", "pool_size",
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
