"""pgbench on the SQL the API sends for each operation: the floor the API is compared with."""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from lib.machine import CpuWindow
from lib.seeding import NEVER, TAGS, Seed
from taskai.adapters import orm


def pg_env_and_args(url: URL) -> tuple[dict[str, str], list[str]]:
    """The environment (PGPASSWORD) and connection arguments of libpq tools for url."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env, ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                 "-U", url.username or "postgres", url.database or "postgres"]


def pgbench_binary() -> str:
    """The newest pgbench installed; exits saying what to install when there is none."""
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
    """A table's columns as SQLAlchemy lists them in a SELECT: prefix.name, ..."""
    return ", ".join(f"{prefix}.{c.name}" for c in table.columns)


TAG_COLUMNS = columns(orm.tags, "tasks.tags")
USER_COLUMNS = columns(orm.users, "users")
TASK_INSERT_COLUMNS = ", ".join(c.name for c in orm.tasks.columns)
READ_COLUMNS = ", ".join(f"tasks.tasks.{c}" for c in (
    "id", "title", "description", "status", "priority", "due_at", "recurrence_rule",
    "recurrence_anchor", "recurrence_ended_reason", "series_id", "occurrence", "skipped",
    "created_at", "updated_at", "completed_at"))
# The caller's account (token version, zone, language), read first in the request's transaction.
CALLER = f"""SELECT {USER_COLUMNS}, (SELECT tasks.projects.id
  FROM tasks.projects
 WHERE tasks.projects.user_id = users.id AND tasks.projects.inbox) AS p_id
  FROM users WHERE users.id = :uid::UUID \\gset
"""
# The read model's row: a task with its tags and reminders aggregated as JSON (task_reads).
READ_ROW = f"""SELECT {READ_COLUMNS},
       (SELECT json_agg(json_build_array(tasks.tags.id, tasks.tags.name, tasks.tags.key,
                                         tasks.tags.color))
          FROM tasks.task_tags JOIN tasks.tags ON tasks.tags.id = tasks.task_tags.tag_id
         WHERE tasks.task_tags.task_id = tasks.tasks.id) AS tags,
       (SELECT json_agg(json_build_array(tasks.reminders.id, tasks.reminders.minutes_before,
                                         tasks.reminders.at, tasks.reminders.fire_at,
                                         tasks.reminders.status, tasks.reminders.created_at))
          FROM tasks.reminders WHERE tasks.reminders.task_id = tasks.tasks.id) AS reminders"""
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
SELECT a.user_id AS uid, a.key AS key1, a.tag_id AS tag1, b.key AS key2, b.tag_id AS tag2,
       gen_random_uuid() AS task_id
  FROM bench.tags a JOIN bench.tags b ON b.u = a.u AND b.t = :t2
 WHERE a.u = :u AND a.t = :t1 \gset
BEGIN;
{CALLER}SELECT {TAG_COLUMNS}
  FROM tasks.tags
 WHERE tasks.tags.user_id = :uid::UUID AND tasks.tags.key IN (:key1::VARCHAR, :key2::VARCHAR);
UPDATE users SET change_seq=(users.change_seq + 1::BIGINT) WHERE users.id = :uid::UUID
RETURNING users.change_seq AS seq \gset
SELECT max(tasks.tasks.position) AS max_1
  FROM tasks.tasks
 WHERE tasks.tasks.user_id = :uid::UUID AND tasks.tasks.project_id = :p_id::UUID
   AND tasks.tasks.section_id IS NULL AND tasks.tasks.parent_id IS NULL \gset
INSERT INTO tasks.tasks ({TASK_INSERT_COLUMNS})
VALUES (:task_id::UUID, :uid::UUID, 'Review quarterly invoice draft'::VARCHAR,
        'send the budget summary to the client team before the meeting.'::VARCHAR,
        'pending'::VARCHAR, :prio::SMALLINT, now() + make_interval(days => :due),
        NULL::VARCHAR, NULL::VARCHAR, NULL::UUID, NULL::TIMESTAMPTZ, NULL::INTEGER,
        NULL::VARCHAR, false::BOOLEAN, now(), now(), NULL::TIMESTAMPTZ, :seq::BIGINT,
        false::BOOLEAN, :p_id::UUID, NULL::UUID, NULL::UUID, (:max_1 + 65536)::BIGINT,
        false::BOOLEAN);
INSERT INTO tasks.task_tags (task_id, tag_id)
VALUES (:task_id::UUID, :tag1::UUID), (:task_id::UUID, :tag2::UUID);
INSERT INTO events.outbox (event_id, topic, key, type, occurred_at, data, traceparent)
VALUES (gen_random_uuid()::VARCHAR, 'task-events'::VARCHAR, :task_id::VARCHAR,
        'com.taskai.task.created'::VARCHAR, now(), '{OUTBOX_DATA}'::JSON, NULL::VARCHAR)
RETURNING events.outbox.position;
COMMIT;
"""
LIST_SQL = rf"""\set u random(1, :users)
SELECT user_id AS uid, ids FROM bench.list_pages WHERE u = :u \gset
BEGIN;
{CALLER}{READ_ROW},
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
ROLLBACK;
"""
RANK = ("round(CAST(ts_rank_cd(tasks.tasks.search_vector, websearch_to_tsquery("
        "'english'::regconfig, :word::VARCHAR)) AS NUMERIC(12, 6)), 6)")
SEARCH_SQL = rf"""\set u random(1, :users)
\set w random(1, :nwords)
SELECT user_id AS uid, word, ids FROM bench.search_pages WHERE u = :u AND w = :w \gset
BEGIN;
{CALLER}{READ_ROW},
       {RANK} AS round_1
  FROM tasks.tasks
 WHERE tasks.tasks.user_id = :uid::UUID
   AND (tasks.tasks.search_vector @@ websearch_to_tsquery('english'::regconfig, :word::VARCHAR))
 ORDER BY {RANK} DESC, tasks.tasks.id DESC
 LIMIT 21;
ROLLBACK;
"""
PGBENCH_SCRIPTS = {
    "create": CREATE_SQL,
    "list": LIST_SQL,
    "search": SEARCH_SQL,
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
    """The nearest-rank p-th percentile of ascending values (nan when there are none)."""
    if not sorted_values:
        return math.nan
    index = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]

