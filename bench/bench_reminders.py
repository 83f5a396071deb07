"""Reminders at scale: 10,000 reminders due in the same minute, all emailed within 60 s, none twice.

Every part runs as it runs in the cluster, on PostgreSQL and a real Kafka broker:
  PingSource tick → reminders function (gunicorn) → outbox → relay → Kafka `reminders`
  → KafkaSource stand-in (unordered, --parallelism) → notifications function (gunicorn,
  --workers x --threads) → the `resend` SDK → the Resend stand-in (its own process).
Reports the seconds from the tick to the last email reaching the stand-in, and checks that every
reminder was emailed exactly once: one email per idempotency key at the stand-in, one `sent`
attempt per reminder in notifications.notification_log.

Use a scratch database: it is written to, and the scheduler fires every due reminder in it.
  python bench/bench_reminders.py --database-url "$(scripts/postgres url)" \
      --kafka "$(scripts/kafka bootstrap)" [--reminders 10000] [--parallelism 8] [--fail-rate 0.3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))
SECRET = "benchmark-secret-that-is-long-enough-000"
EVENTS_TOKEN = "benchmark-event-deliveries-secret-0000000"
API_KEY = "re_bench_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(engine, reminders: int, per_user: int, tick_at: datetime) -> list[uuid.UUID]:
    """Users, tasks and one pending reminder per task, all falling due in the minute before
    `tick_at`; returns the reminder ids."""
    from sqlalchemy import insert

    from taskai.adapters import orm

    users, tasks, rows = [], [], []
    for n in range(reminders):
        if n % per_user == 0:
            users.append({"id": uuid.uuid4(), "email": f"bench-{uuid.uuid4().hex}@example.com",
                          "password_hash": "x", "name": "", "timezone": "Europe/Berlin",
                          "change_seq": 0, "created_at": tick_at})  # fmt: skip
        fire = tick_at - timedelta(seconds=60) + timedelta(seconds=60 * n / reminders)
        task = {"id": uuid.uuid4(), "user_id": users[-1]["id"], "title": f"Bench task {n}",
                "description": "", "status": "pending", "priority": "high",
                "due_at": fire + timedelta(minutes=15), "skipped": False, "created_at": tick_at,
                "updated_at": tick_at, "change_seq": 0}  # fmt: skip
        tasks.append(task)
        rows.append({"id": uuid.uuid4(), "task_id": task["id"], "user_id": task["user_id"],
                     "minutes_before": 15, "at": None, "fire_at": fire, "status": "pending",
                     "created_at": tick_at})  # fmt: skip
    with engine.begin() as connection:
        for table, items in ((orm.users, users), (orm.tasks, tasks), (orm.reminders, rows)):
            for start in range(0, len(items), 2000):
                connection.execute(insert(table).values(items[start : start + 2000]))
    return [r["id"] for r in rows]


def start_standin(fail_rate: float) -> tuple[subprocess.Popen, str]:
    script = str(ROOT / "tests" / "resend_standin.py")
    process = subprocess.Popen(
        [sys.executable, script, "--api-key", API_KEY, "--fail-rate", str(fail_rate)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def start_function(name: str, env: dict[str, str], workers: int, threads: int):
    """The function under gunicorn exactly as the image serves it (taskai-serve)."""
    port = free_port()
    env = {**env, "FUNCTION_TARGET": name,
           "FUNCTION_SOURCE": str(ROOT / "functions" / name / "main.py")}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), "--threads", str(threads), "--worker-class",
         "taskai.api.worker.ThreadWorker", "--timeout", "120",
         "--log-level", "warning", "functions_framework:create_app()"],
        env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start")


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def ping(url: str) -> dict:
    from taskai.local.ping import ping_event

    headers, body = ping_event("reminders")
    headers["Authorization"] = f"Bearer {EVENTS_TOKEN}"
    request = urllib.request.Request(url + "/", data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def unpublished_due(engine) -> int:
    from sqlalchemy import func, select

    from taskai.adapters import orm

    o = orm.outbox.c
    stmt = select(func.count()).where(o.published_at.is_(None), o.type == "com.taskai.reminder.due")
    with engine.connect() as connection:
        return int(connection.execute(stmt).scalar_one())


def check(engine, ids: list[uuid.UUID], keys: dict[str, int]) -> dict:
    """Exactly once, from both ends: the stand-in's keys and the notification log."""
    from sqlalchemy import func, select

    from taskai.adapters import orm

    n, r = orm.notification_log.c, orm.reminders.c
    ours = {f"reminder/{i}" for i in ids}
    with engine.connect() as connection:
        sent_rows = connection.execute(
            select(n.reminder_id, func.count()).where(n.status == "sent").group_by(n.reminder_id)
        ).all()
        statuses = dict(
            connection.execute(
                select(r.status, func.count()).where(r.id.in_(ids)).group_by(r.status)
            ).all()
        )
    sent_log = {row[0]: row[1] for row in sent_rows}
    return {
        "emails_for_these_reminders": sum(keys.get(k, 0) for k in ours),
        "reminders_emailed_twice": sum(1 for k in ours if keys.get(k, 0) > 1),
        "reminders_not_emailed": sum(1 for k in ours if keys.get(k, 0) == 0),
        "log_sent_once": sum(1 for i in ids if sent_log.get(i) == 1),
        "reminder_statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--kafka", required=True)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--per-user", type=int, default=10, help="reminders per user")
    parser.add_argument("--parallelism", type=int, default=8, help="KafkaSource deliveries")
    parser.add_argument("--workers", type=int, default=2, help="notifications gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of 500s from Resend")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "KAFKA_BOOTSTRAP_SERVERS": args.kafka,
           "JWT_SECRET": SECRET, "EVENTS_TOKEN": EVENTS_TOKEN, "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "shared"),
           "DB_POOL_SIZE": str(args.threads)}  # fmt: skip
    os.environ.update(env)
    from taskai import bootstrap
    from taskai.adapters.migrate import upgrade
    from taskai.local.kafka_source import Delivery, KafkaSourceBridge

    upgrade(args.database_url)
    engine = bootstrap.engine()
    standin, standin_url = start_standin(args.fail_rate)
    env.update(RESEND_API_KEY=API_KEY, RESEND_API_URL=standin_url)
    notifications, notifications_url = start_function(
        "notifications", env, args.workers, args.threads
    )
    reminders, reminders_url = start_function("reminders", env, 1, 8)
    bridge = KafkaSourceBridge(
        bootstrap_servers=args.kafka,
        topic="reminders",
        group=f"bench-notifications-{uuid.uuid4().hex[:8]}",
        sink=notifications_url + "/",
        dead_letter_topic="reminders.dlq",
        delivery=Delivery(retry=10, backoff_delay_s=0.05, max_backoff_s=2.0),
        initial_offset="latest",
        parallelism=args.parallelism,
        credential={"Authorization": f"Bearer {EVENTS_TOKEN}"},
    )
    bridge_thread = bridge.start()
    try:
        if not bridge.ready.wait(60):
            raise SystemExit("the KafkaSource stand-in did not join its group")
        tick_at = datetime.now(UTC) + timedelta(seconds=1)
        ids = seed(engine, args.reminders, args.per_user, tick_at)
        time.sleep(max(0.0, (tick_at - datetime.now(UTC)).total_seconds()))
        started = time.perf_counter()
        now = lambda: time.perf_counter() - started  # noqa: E731
        tick: dict = {}  # the PingSource's tick: every reminder is now due
        pinging = threading.Thread(target=lambda: tick.update(ping(reminders_url), done=now()))
        pinging.start()
        published_s = first_s = None
        while now() < args.timeout:
            emails = get_json(standin_url + "/_standin/stats")["emails"]
            if published_s is None and "done" in tick and unpublished_due(engine) == 0:
                published_s = now()
            if first_s is None and emails:
                first_s = now()
            if emails >= args.reminders:
                break
            time.sleep(0.1)
        all_sent_s = now()
        pinging.join()
        time.sleep(2)  # anything sent twice would arrive now
        keys = get_json(standin_url + "/_standin/keys")
        verdict = check(engine, ids, keys)
    finally:
        bridge.stop()
        bridge_thread.join(timeout=30)
        for process in (reminders, notifications, standin):
            process.terminate()
            process.wait(timeout=30)
    ok = (
        verdict["emails_for_these_reminders"] == args.reminders
        and verdict["reminders_emailed_twice"] == 0
        and verdict["log_sent_once"] == args.reminders
    )
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "config": {key: value for key, value in vars(args).items() if key not in ("database_url",)},
        "tick": tick.get("outcome"),
        "seconds": {
            "all_queued": round(tick["done"], 2),
            "all_on_kafka": None if published_s is None else round(published_s, 2),
            "first_email": None if first_s is None else round(first_s, 2),
            "all_emailed": round(all_sent_s, 2),
        },
        "emails_per_s": round(args.reminders / all_sent_s),
        "exactly_once": verdict,
        "dead_lettered": bridge.dead_lettered,
        "passed": ok and all_sent_s <= 60,
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "reminders.json").write_text(json.dumps(results, indent=2) + "\n")
    sys.exit(0 if results["passed"] else 1)


if __name__ == "__main__":
    main()
