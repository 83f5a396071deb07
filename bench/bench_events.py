"""Events end to end through Kafka: outbox → relay → broker → KafkaSource stand-in → function.

Measures, on PostgreSQL and a real Kafka broker:
  burst   — N task events committed while the relay waits, then released: events/s until the
            recurrence function (served over HTTP as functions-framework serves it) has handled
            every one of them, on one consumer;
  latency — events committed at a steady rate: p50/p99 from the commit returning to the
            function's handler finishing.

Run (services from scripts/postgres and scripts/kafka):
  python bench/bench_events.py --database-url "$(scripts/postgres url)" \
      --kafka "$(scripts/kafka bootstrap)" [--events 20000] [--rate 300] [--seconds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))


class Arrivals:
    """WSGI middleware: the time each event's handler finished, by CloudEvent subject."""

    def __init__(self, app):
        self.app, self.seen, self.lock = app, {}, threading.Lock()

    def __call__(self, environ, start_response):
        body = self.app(environ, start_response)
        subject = environ.get("HTTP_CE_SUBJECT", "")
        with self.lock:
            self.seen.setdefault(subject, time.perf_counter())
        return body


def serve_recurrence() -> tuple[Arrivals, str]:
    """The recurrence function, as functions-framework builds it, on a threaded local server."""
    from werkzeug.serving import make_server

    from taskai.local.devserver import load_function

    app = Arrivals(load_function("recurrence"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, f"http://127.0.0.1:{server.server_port}/"


def new_user(uow_factory) -> uuid.UUID:
    from taskai.adapters.security import BcryptPasswords
    from taskai.services import auth

    session = auth.register(
        uow=uow_factory(),
        tokens=_tokens(),
        email=f"bench-{uuid.uuid4().hex[:8]}@example.com",
        password="benchmark password",
        now=datetime.now(UTC),
        passwords=BcryptPasswords(rounds=4),
    )
    return session.user.id


def _tokens():
    from taskai import bootstrap

    return bootstrap.tokens()


def create(uow, user_id) -> str:
    from taskai.services.tasks import TaskDraft, create_task

    task = create_task(
        uow=uow, user_id=user_id, draft=TaskDraft(title="bench"), now=datetime.now(UTC)
    )
    return str(task.id)


def wait_for(arrivals: Arrivals, ids: set[str], timeout_s: float) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with arrivals.lock:
            if ids <= arrivals.seen.keys():
                return max(arrivals.seen[i] for i in ids)
        time.sleep(0.01)
    missing = len(ids - arrivals.seen.keys())
    raise SystemExit(f"{missing} events did not arrive within {timeout_s} s")


def burst(args, arrivals, user_id) -> dict:
    from taskai import bootstrap
    from taskai.adapters.unit_of_work import UnitOfWork

    quiet = lambda: UnitOfWork(bootstrap.session_factory())  # noqa: E731 - commits without kicking the relay
    ids: set[str] = set()
    writers = 4

    def write(n: int) -> None:
        for _ in range(n):
            ids.add(create(quiet(), user_id))

    threads = [
        threading.Thread(target=write, args=(args.events // writers,)) for _ in range(writers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    started = time.perf_counter()
    bootstrap.relay().kick()
    finished = wait_for(arrivals, ids, timeout_s=600)
    seconds = finished - started
    return {
        "events": len(ids),
        "seconds": round(seconds, 2),
        "events_per_s": round(len(ids) / seconds),
    }


def latency(args, arrivals, user_id) -> dict:
    from taskai import bootstrap

    committed: dict[str, float] = {}
    interval, end = 1.0 / args.rate, time.perf_counter() + args.seconds
    next_at = time.perf_counter()
    while time.perf_counter() < end:
        task_id = create(bootstrap.uow(), user_id)
        committed[task_id] = time.perf_counter()
        next_at += interval
        time.sleep(max(0.0, next_at - time.perf_counter()))
    wait_for(arrivals, set(committed), timeout_s=120)
    delays = sorted((arrivals.seen[i] - t) * 1000 for i, t in committed.items())
    q = statistics.quantiles(delays, n=100)
    return {
        "events": len(delays),
        "rate_per_s": args.rate,
        "p50_ms": round(q[49], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(delays[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--kafka", required=True)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=300, help="events/s in the latency phase")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        KAFKA_BOOTSTRAP_SERVERS=args.kafka,
        JWT_SECRET="benchmark-secret-that-is-long-enough-000",
        LOG_LEVEL="WARNING",
    )
    from taskai import bootstrap
    from taskai.adapters.migrate import upgrade
    from taskai.local.kafka_source import KafkaSourceBridge

    upgrade(args.database_url)
    arrivals, url = serve_recurrence()
    bridge = KafkaSourceBridge(
        bootstrap_servers=args.kafka,
        topic="task-events",
        group=f"bench-{uuid.uuid4().hex[:8]}",
        sink=url,
        credential=bootstrap.event_credential(),  # the function runs in this process
    )
    bridge_thread = bridge.start()
    user_id = new_user(bootstrap.uow)
    time.sleep(3)  # let the consumer join its group before timing anything
    bootstrap.relay_now()  # the registration's events are not part of the figures
    results = {"burst": burst(args, arrivals, user_id), "latency": latency(args, arrivals, user_id)}
    bridge.stop()
    bridge_thread.join(timeout=10)
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "events.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
