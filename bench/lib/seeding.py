"""The seed of bench_api: users, tags and tasks COPYed in bulk, and the side tables of pgbench."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from lib.database import copy_rows, vacuum
from taskai.adapters import orm
from taskai.adapters.security import hash_password
from taskai.domain.recurrence import Recurrence
from taskai.domain.tasks import PRIORITIES

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


def weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    """One name of (name, weight) pairs, drawn by weight."""
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
    inbox_rows: list[dict[str, Any]] = []  # projects and sections: one Inbox per user
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
        inbox_id = uuid.uuid4()  # every task is in a project: the user's Inbox
        seq += 1
        inbox_rows.append({"id": inbox_id, "user_id": user_id, "name": "Inbox", "key": "inbox",
                           "color": "#808080", "view": "list", "position": 0, "archived": False,
                           "inbox": True, "created_at": now - timedelta(days=400),
                           "updated_at": now - timedelta(days=400), "change_seq": seq})
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
                "project_id": inbox_id,
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
        conn.execute(insert(orm.projects), inbox_rows)
    for table, table_rows in ((orm.tags, tag_rows), (orm.tasks, task_rows),
                              (orm.task_tags, task_tag_rows), (orm.reminders, reminder_rows)):
        copy_rows(engine, table, table_rows)
    search_words = [VOCABULARY[rank] for rank in SEARCH_RANKS]
    return Seed(user_ids, tag_ids, now, search_words, stats={
        "users": users, "tasks": len(task_rows), "tags": len(tag_rows),
        "task_tags": len(task_tag_rows), "reminders": len(reminder_rows),
        "recurring": sum(1 for r in task_rows if r["recurrence_rule"]),
    })



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

    Same ORDER BY and LIMIT (page + 1) as task_reads.page; SQLAlchemy's selectin
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

