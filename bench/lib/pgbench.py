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
# everything else is what the function sends, with the same bound parameters (a pooled
# connection is checked out without a round trip: see db.still_open).
def columns(table: Any, prefix: str) -> str:
    """A table's columns as SQLAlchemy lists them in a SELECT: prefix.name, ..."""
    return ", ".join(f"{prefix}.{c.name}" for c in table.columns)


TAG_COLUMNS = columns(orm.tags, "tasks.tags")
USER_COLUMNS = columns(orm.users, "users")
TASK_INSERT_COLUMNS = ", ".join(c.name for c in orm.tasks.columns)
# The caller's account (token version, zone, language), read first in the request's transaction.
CALLER = f"""SELECT {USER_COLUMNS}, (SELECT tasks.projects.id
  FROM tasks.projects
 WHERE tasks.projects.user_id = users.id AND tasks.projects.inbox) AS p_id
  FROM users WHERE users.id = :uid::UUID \\gset
"""
# A read's: the same, also giving the transaction the caller's zone, the one the page's times
# are written in (unit_of_work.ACCOUNT_IN_ZONE).
CALLER_IN_ZONE = CALLER.replace(
    ") AS p_id\n", ") AS p_id, tasks.set_time_zone(users.timezone) AS set_time_zone_1\n"
)
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
RETURNING users.change_seq AS seq, (SELECT max(tasks.tasks.position) AS max_1
  FROM tasks.tasks
 WHERE tasks.tasks.user_id = :uid::UUID AND tasks.tasks.project_id = :p_id::UUID
   AND tasks.tasks.section_id IS NULL AND tasks.tasks.parent_id IS NULL) AS max_1 \gset
WITH insert_0 AS
(INSERT INTO tasks.tasks ({TASK_INSERT_COLUMNS})
 SELECT :task_id::UUID AS anon_1, :uid::UUID AS anon_2,
        'Review quarterly invoice draft'::VARCHAR AS anon_3,
        'send the budget summary to the client team before the meeting.'::VARCHAR AS anon_4,
        'pending'::VARCHAR AS anon_5, :prio::SMALLINT AS anon_6,
        (now() + make_interval(days => :due))::TIMESTAMP WITH TIME ZONE AS anon_7,
        NULL::VARCHAR AS anon_8, NULL::VARCHAR AS anon_9, NULL::UUID AS anon_10,
        NULL::TIMESTAMP WITH TIME ZONE AS anon_11, NULL::INTEGER AS anon_12,
        NULL::VARCHAR AS anon_13, false::BOOLEAN AS anon_14,
        now()::TIMESTAMP WITH TIME ZONE AS anon_15, now()::TIMESTAMP WITH TIME ZONE AS anon_16,
        NULL::TIMESTAMP WITH TIME ZONE AS anon_17, :seq::BIGINT AS anon_18,
        false::BOOLEAN AS anon_19, :p_id::UUID AS anon_20, NULL::UUID AS anon_21,
        NULL::UUID AS anon_22, (:max_1 + 65536)::BIGINT AS anon_23, false::BOOLEAN AS anon_24),
insert_1 AS
(INSERT INTO tasks.task_tags (task_id, tag_id)
 SELECT :task_id::UUID AS anon_25, :tag1::UUID AS anon_26
 UNION ALL SELECT :task_id::UUID AS anon_27, :tag2::UUID AS anon_28)
INSERT INTO events.outbox (event_id, topic, key, type, occurred_at, data, traceparent)
SELECT gen_random_uuid()::VARCHAR AS anon_29, 'task-events'::VARCHAR AS anon_30,
       :task_id::VARCHAR AS anon_31, 'com.taskai.task.created'::VARCHAR AS anon_32,
       now()::TIMESTAMP WITH TIME ZONE AS anon_33, '{OUTBOX_DATA}'::JSON AS anon_34,
       NULL::VARCHAR AS anon_35;
COMMIT;
"""
# A list or search page is one statement answering one row (task_reads.page): the JSON array of
# the page's task bodies (task_json.body, times in the owner's zone), the cursor's last key and
# id, and the page's recurring tasks; :size is the page's limit, the cut asks for one row more.
PAGE_HEAD = r"""
SELECT CAST(json_agg(page.body ORDER BY page.n) FILTER (WHERE page.n <= :size::INTEGER) AS TEXT)
  AS anon_1, count(*) AS count_1, max(CASE WHEN (page.n = :size::INTEGER) THEN page.sort_key END)
  AS max_1, max(CASE WHEN (page.n = :size::INTEGER) THEN page.id END) AS max_2,
  json_agg(json_build_array(page.n, page.recurrence_rule, page.recurrence_anchor,
  page.recurrence_ended_reason)) FILTER (WHERE page.n <= :size::INTEGER
  AND page.recurrence_rule IS NOT NULL) AS anon_2
FROM (SELECT """
TASK_BODY = r"""json_build_object('id', tasks.tasks.id, 'title', tasks.tasks.title, 'description',
tasks.tasks.description, 'status', tasks.tasks.status, 'priority', CASE tasks.tasks.priority WHEN
0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' WHEN 3 THEN 'urgent' END, 'due_date', CASE
WHEN (EXTRACT(timezone FROM tasks.tasks.due_at) = 0) THEN replace(to_char(tasks.tasks.due_at,
'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || 'Z' ELSE replace(to_char(tasks.tasks.due_at,
'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'), '.000000', '') END, 'tags', coalesce((SELECT
json_agg(json_build_object('id', tasks.tags.id, 'name', tasks.tags.name, 'color',
tasks.tags.color) ORDER BY tasks.tags.key) AS json_agg_1  FROM tasks.task_tags JOIN tasks.tags ON
tasks.tags.id = tasks.task_tags.tag_id  WHERE tasks.task_tags.task_id = tasks.tasks.id),
'[]'::json), 'recurrence', NULL, 'series_id', tasks.tasks.series_id, 'occurrence',
tasks.tasks.occurrence, 'skipped', tasks.tasks.skipped, 'reminders', coalesce((SELECT
json_agg(json_build_object('id', tasks.reminders.id, 'minutes_before',
tasks.reminders.minutes_before, 'at', CASE WHEN (EXTRACT(timezone FROM tasks.reminders.at) = 0)
THEN replace(to_char(tasks.reminders.at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || 'Z' ELSE
replace(to_char(tasks.reminders.at, 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'), '.000000', '') END,
'fire_at', CASE WHEN (EXTRACT(timezone FROM tasks.reminders.fire_at) = 0) THEN
replace(to_char(tasks.reminders.fire_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || 'Z' ELSE
replace(to_char(tasks.reminders.fire_at, 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'), '.000000', '') END,
'status', tasks.reminders.status) ORDER BY tasks.reminders.created_at) AS json_agg_2  FROM
tasks.reminders  WHERE tasks.reminders.task_id = tasks.tasks.id), '[]'::json), 'created_at', CASE
WHEN (EXTRACT(timezone FROM tasks.tasks.created_at) = 0) THEN
replace(to_char(tasks.tasks.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || 'Z' ELSE
replace(to_char(tasks.tasks.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'), '.000000', '') END,
'updated_at', CASE WHEN (EXTRACT(timezone FROM tasks.tasks.updated_at) = 0) THEN
replace(to_char(tasks.tasks.updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || 'Z' ELSE
replace(to_char(tasks.tasks.updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'), '.000000', '') END,
'completed_at', CASE WHEN (EXTRACT(timezone FROM tasks.tasks.completed_at) = 0) THEN
replace(to_char(tasks.tasks.completed_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '') || 'Z'
ELSE replace(to_char(tasks.tasks.completed_at, 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM'), '.000000',
'') END, 'notes', NULL, 'all_day', tasks.tasks.all_day, 'due_on', CASE WHEN (tasks.tasks.all_day
AND tasks.tasks.due_at IS NOT NULL) THEN to_char(tasks.tasks.due_at, 'YYYY-MM-DD') END,
'project_id', tasks.tasks.project_id, 'section_id', tasks.tasks.section_id, 'parent_id',
tasks.tasks.parent_id, 'position', tasks.tasks.position, 'subtask_count', (SELECT count(*) AS
count_2  FROM tasks.tasks AS sub_json  WHERE sub_json.parent_id = tasks.tasks.id),
'completed_subtask_count', (SELECT count(*) AS count_3  FROM tasks.tasks AS sub_json  WHERE
sub_json.parent_id = tasks.tasks.id AND sub_json.status = 'completed'::VARCHAR)) AS body, """
LIST_SQL = rf"""\set u random(1, :users)
\set size 50
SELECT user_id AS uid, ids, (SELECT timezone FROM users WHERE users.id = user_id) AS zone
  FROM bench.list_pages WHERE u = :u \gset
BEGIN;
{CALLER_IN_ZONE}{PAGE_HEAD}{TASK_BODY}
  CAST(tasks.tasks.id AS TEXT) AS id, cut.sort_key AS sort_key, row_number() OVER (ORDER BY
  cut.sort_key ASC, cut.id ASC) AS n, tasks.tasks.recurrence_rule AS recurrence_rule,
  tasks.tasks.recurrence_anchor AS recurrence_anchor, tasks.tasks.recurrence_ended_reason AS
  recurrence_ended_reason
FROM (SELECT tasks.tasks.id AS id, coalesce(tasks.tasks.due_at, '{NEVER}'::TIMESTAMP WITH TIME
  ZONE) AS sort_key
FROM tasks.tasks
WHERE tasks.tasks.user_id = :uid::UUID AND tasks.tasks.status IN ('pending'::VARCHAR) AND
  tasks.tasks.priority IN (2::SMALLINT) AND tasks.tasks.id IN (SELECT tasks.task_tags.task_id
FROM tasks.task_tags JOIN tasks.tags ON tasks.tags.id = tasks.task_tags.tag_id
WHERE tasks.tags.user_id = :uid::UUID AND tasks.tags.key IN ('work'::VARCHAR) GROUP BY
  tasks.task_tags.task_id) AND (tasks.tasks.project_id NOT IN (SELECT tasks.projects.id
FROM tasks.projects
WHERE tasks.projects.user_id = :uid::UUID AND tasks.projects.archived)) ORDER BY
  coalesce(tasks.tasks.due_at, '{NEVER}'::TIMESTAMP WITH TIME ZONE) ASC, tasks.tasks.id ASC
 LIMIT 51::INTEGER) AS cut JOIN tasks.tasks ON tasks.tasks.id = cut.id JOIN (SELECT :zone::VARCHAR
  AS zone) AS owner_zone ON true ORDER BY n) AS page;
ROLLBACK;
"""
SEARCH_SQL = rf"""\set u random(1, :users)
\set w random(1, :nwords)
\set size 20
SELECT user_id AS uid, word, word || ':*' AS prefix, ids,
       (SELECT timezone FROM users WHERE users.id = user_id) AS zone
  FROM bench.search_pages WHERE u = :u AND w = :w \gset
BEGIN;
{CALLER_IN_ZONE}{PAGE_HEAD}{TASK_BODY}
  CAST(tasks.tasks.id AS TEXT) AS id, cut.sort_key AS sort_key, row_number() OVER (ORDER BY
  cut.sort_key DESC, cut.id DESC) AS n, tasks.tasks.recurrence_rule AS recurrence_rule,
  tasks.tasks.recurrence_anchor AS recurrence_anchor, tasks.tasks.recurrence_ended_reason AS
  recurrence_ended_reason
FROM (SELECT tasks.tasks.id AS id, round(CAST(CASE WHEN (tasks.tasks.search_vector @@
  websearch_to_tsquery('english'::regconfig, :word::VARCHAR)) THEN 1::INTEGER +
  ts_rank_cd(tasks.tasks.search_vector, websearch_to_tsquery('english'::regconfig, :word::VARCHAR),
  32::INTEGER) ELSE ts_rank_cd(tasks.tasks.search_vector, websearch_to_tsquery('english'::regconfig,
  :word::VARCHAR) || (to_tsquery('english'::regconfig, :prefix::VARCHAR) ||
  to_tsquery('simple'::regconfig, :prefix::VARCHAR)), 32::INTEGER) END AS NUMERIC(12, 6)),
  6::INTEGER) AS sort_key
FROM tasks.tasks
WHERE tasks.tasks.user_id = :uid::UUID AND ts_match_vq(tasks.tasks.search_vector,
  websearch_to_tsquery('english'::regconfig, :word::VARCHAR) || (to_tsquery('english'::regconfig,
  :prefix::VARCHAR) || to_tsquery('simple'::regconfig, :prefix::VARCHAR))) ORDER BY
  round(CAST(CASE WHEN (tasks.tasks.search_vector @@ websearch_to_tsquery('english'::regconfig,
  :word::VARCHAR)) THEN 1::INTEGER + ts_rank_cd(tasks.tasks.search_vector,
  websearch_to_tsquery('english'::regconfig, :word::VARCHAR), 32::INTEGER) ELSE
  ts_rank_cd(tasks.tasks.search_vector, websearch_to_tsquery('english'::regconfig, :word::VARCHAR)
  || (to_tsquery('english'::regconfig, :prefix::VARCHAR) || to_tsquery('simple'::regconfig,
  :prefix::VARCHAR)), 32::INTEGER) END AS
  NUMERIC(12, 6)), 6::INTEGER) DESC, tasks.tasks.id DESC
 LIMIT 21::INTEGER) AS cut JOIN tasks.tasks ON tasks.tasks.id = cut.id JOIN (SELECT :zone::VARCHAR
  AS zone) AS owner_zone ON true ORDER BY n) AS page;
ROLLBACK;
"""


def pgbench_text(script: str) -> str:
    """`script` with to_char's `:MI`/`:SS`/`:TZM` quoted (`":"MI`, same output): pgbench reads every
    `:name`, inside string literals too, as a variable and sends it as a parameter."""
    return script.replace("HH24:MI:SS", 'HH24":"MI":"SS').replace("TZH:TZM", 'TZH":"TZM')


PGBENCH_SCRIPTS = {
    "create": CREATE_SQL,
    "list": pgbench_text(LIST_SQL),
    "search": pgbench_text(SEARCH_SQL),
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

