"""Events end to end through Kafka: outbox → relay → broker → KafkaSource stand-in → function.

Measures, on PostgreSQL and a real Kafka broker, with the recurrence function served as the
image serves it (gunicorn, one gthread worker with 8 threads: one consumer), the KafkaSource
stand-in in a process of its own (as Knative's dispatcher) and the relay in this one, beside
the writers (as in the tasks function):
  burst   — N task events committed while the relay waits, then released: events/s until the
            function's handler has finished every one of them;
  latency — events committed at a steady rate, on a fixed schedule, by enough writers (each for
            a user of its own) that a slow commit does not hold the pace back: p50/p99 from the
            commit returning to the function's handler finishing, and how many commits started
            over 10 ms late.
--profile samples the three processes with py-spy during the burst and prints where the CPU went.

Run (services from scripts/postgres and scripts/kafka):
  python bench/bench_events.py --database-url "$(scripts/postgres url)" \
      --kafka "$(scripts/kafka bootstrap)" [--events 5000] [--rate 100] [--seconds 15] [--profile]
It measures the library and functions of the checkout it is run from (its `shared/` goes first
on every process's path, its `functions/` are the cwd's): for a baseline, copy this file into
another checkout and run it there, from that checkout's folder, back to back with this one.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))
sys.path.insert(0, str(ROOT / "bench"))
WRITERS = 4


def recurrence_app():  # type: ignore[no-untyped-def]
    """gunicorn's app: the recurrence function as functions-framework builds it, noting in the
    file BENCH_ARRIVALS `subject monotonic-seconds` for each event its handler has finished."""
    from taskai.local.devserver import load_function

    app = load_function("recurrence")
    fd = os.open(os.environ["BENCH_ARRIVALS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)

    def noting(environ, start_response):  # type: ignore[no-untyped-def]
        body = app(environ, start_response)
        # one write(2) to an O_APPEND file: lines of concurrent threads never interleave
        os.write(fd, f"{environ.get('HTTP_CE_SUBJECT', '')} {time.monotonic()}\n".encode())
        return body

    return noting


class Arrivals:
    """The function's arrival notes (a file it appends to), read as they come."""

    def __init__(self, path: Path):
        self.path, self.offset, self.seen = path, 0, {}

    def read(self) -> dict[str, float]:
        """Subject → monotonic time its handler finished (the first time, for a redelivery)."""
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            chunk = f.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.offset += len(complete)
        for line in complete.decode().splitlines():
            subject, at = line.rsplit(" ", 1)
            self.seen.setdefault(subject, float(at))
        return self.seen


def serve_recurrence(database_url: str, token: str, work: Path):  # type: ignore[no-untyped-def]
    """The recurrence function under gunicorn as the image runs it; (server, arrivals, url)."""
    from lib.servers import Server, free_port

    port, arrivals = free_port(), work / "arrivals"
    arrivals.touch()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EVENTS_TOKEN": token,
        "BENCH_ARRIVALS": str(arrivals),
        # this checkout's library, not the installed one: a baseline checkout measures its own
        "PYTHONPATH": os.pathsep.join([str(ROOT / "shared"), str(ROOT / "bench")]),
    }
    argv = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--threads", "8", "--worker-class", "taskai.api.worker.ThreadWorker", "--keep-alive", "75",
        "--log-level", "warning", "bench_events:recurrence_app()",
    ]  # fmt: skip
    server = Server(argv, env, work / "recurrence.log", port)
    return server, Arrivals(arrivals), f"http://127.0.0.1:{port}/"


def run_source(options: dict[str, Any], ready: Any, stop: Any) -> None:
    """The KafkaSource stand-in in a process of its own, as Knative runs its dispatcher apart
    from the functions (and from the relay, which lives in the tasks function)."""
    from taskai.local.kafka_source import KafkaSourceBridge

    bridge = KafkaSourceBridge(**options)
    thread = bridge.start()
    if bridge.ready.wait(60):
        ready.set()
    stop.wait()
    bridge.stop()
    thread.join(timeout=10)


def start_source(url: str, kafka: str, parallelism: int) -> tuple[Any, Any]:
    """(process, stop event) of the stand-in delivering task-events to `url` with `parallelism`
    records in flight (1: ordered per partition), once it is ready."""
    from taskai import bootstrap

    spawn = multiprocessing.get_context("spawn")
    ready, stop = spawn.Event(), spawn.Event()
    options = {
        "bootstrap_servers": kafka,
        "topic": "task-events",
        "group": f"bench-{uuid.uuid4().hex[:8]}",
        "sink": url,
        "credential": bootstrap.event_credential(),
        "parallelism": parallelism,
    }
    process = spawn.Process(
        target=run_source, args=(options, ready, stop), name="kafka-source", daemon=True
    )
    process.start()
    if not ready.wait(60):
        process.terminate()
        raise SystemExit("the KafkaSource stand-in did not join its group within 60 s")
    return process, stop


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
    """The monotonic time the last of `ids` arrived; exits when some never do."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        seen = arrivals.read()
        if ids <= seen.keys():
            return max(seen[i] for i in ids)
        time.sleep(0.01)
    missing = len(ids - arrivals.seen.keys())
    raise SystemExit(f"{missing} events did not arrive within {timeout_s} s")


def in_parallel(work, count: int = WRITERS) -> None:  # type: ignore[no-untyped-def]
    """Run work(i) for i in range(count) on threads of their own and wait for all of them."""
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def burst(args, arrivals, users, profile) -> dict:  # type: ignore[no-untyped-def]
    from taskai import bootstrap
    from taskai.adapters.unit_of_work import UnitOfWork

    quiet = lambda: UnitOfWork(bootstrap.session_factory())  # noqa: E731 - commits without kicking the relay
    ids: set[str] = set()

    def write(writer: int) -> None:
        for _ in range(args.events // WRITERS):
            ids.add(create(quiet(), users[writer]))

    in_parallel(write)

    relayed: list[float] = []

    def measure() -> float:
        started = time.monotonic()
        bootstrap.relay().kick()
        watch = threading.Thread(target=lambda: relayed.append(relay_done(started)))
        watch.start()
        arrived = wait_for(arrivals, ids, timeout_s=600) - started
        watch.join()
        return arrived

    seconds, cpu = profile(measure)
    return {
        "events": len(ids),
        "seconds": round(seconds, 2),
        "events_per_s": round(len(ids) / seconds),
        "relayed_in_s": round(relayed[0], 2),
        **cpu,
    }


def relay_done(started: float) -> float:
    """Seconds from `started` until the relay has put the whole backlog on Kafka."""
    from taskai import bootstrap

    bootstrap.relay().idle.wait(600)
    return time.monotonic() - started


def latency(args, arrivals, users) -> dict:  # type: ignore[no-untyped-def]
    """Event i is committed at start + i / rate, on a fixed schedule (a late commit does not push
    the later ones back), by writer threads beside the relay, as in the tasks function, each for
    a user of its own: one user's creates queue on the lock of its change number (4 writers of
    one user managed 40-95 commits/s of the 100 asked for)."""
    from taskai import bootstrap

    committed: dict[str, float] = {}
    late: list[float] = []  # seconds each commit started after its turn
    count, start = int(args.rate * args.seconds), time.monotonic() + 0.1
    turns = iter(range(count))
    lock = threading.Lock()

    def write(writer: int) -> None:
        while True:
            with lock:
                i = next(turns, None)
            if i is None:
                return
            due = start + i / args.rate
            time.sleep(max(0.0, due - time.monotonic()))
            late.append(time.monotonic() - due)
            task_id = create(bootstrap.uow(), users[writer])
            committed[task_id] = time.monotonic()

    in_parallel(write, len(users))
    achieved = count / (max(committed.values()) - start)
    wait_for(arrivals, set(committed), timeout_s=120)
    delays = sorted((arrivals.seen[i] - t) * 1000 for i, t in committed.items())
    q = statistics.quantiles(delays, n=100)
    return {
        "events": len(delays),
        "rate_per_s": args.rate,
        "committed_per_s": round(achieved),
        "started_late_10ms": sum(s > 0.01 for s in late),
        "p50_ms": round(q[49], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(delays[-1], 1),
    }


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profiler(args, server, source_pid: int, work: Path):  # type: ignore[no-untyped-def]
    """profile(measure) → (its result, CPU seconds of this process (writers and relay), of the
    source's and of the function's); with --profile, py-spy samples the three meanwhile and
    prints where the time went."""
    from lib.profiling import print_profile, profiled

    def profile(measure):  # type: ignore[no-untyped-def]
        pids = {
            "relay_cpu_s": os.getpid(),
            "source_cpu_s": source_pid,
            "function_cpu_s": server.pids()[-1],
        }
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        if not args.profile:
            result = measure()
        else:
            both = SimpleNamespace(proc=SimpleNamespace(pid=os.getpid()))  # and its children
            result, found = profiled(both, work / "burst.pyspy", measure)
            print_profile("burst", found, args.events, args.profile_top)
        return result, {n: round(cpu_seconds(p) - before[n], 1) for n, p in pids.items()}

    return profile


def main() -> None:
    from taskai import triggers

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--kafka", required=True)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=100, help="events/s in the latency phase")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--writers",
        type=int,
        default=16,
        help="writer threads of the latency phase, in all, each with a user of its own",
    )
    parser.add_argument(
        "--parallelism",
        type=int,
        default=next(t.parallelism for t in triggers.TRIGGERS if t.function == "recurrence"),
        help="KafkaSource deliveries in flight (1: ordered); default: the recurrence trigger's",
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the burst (pip install py-spy)"
    )
    parser.add_argument("--profile-top", type=int, default=25)
    args = parser.parse_args()
    token = secrets.token_urlsafe(32)
    os.environ.update(
        DATABASE_URL=args.database_url,
        KAFKA_BOOTSTRAP_SERVERS=args.kafka,
        JWT_SECRET="benchmark-secret-that-is-long-enough-000",
        EVENTS_TOKEN=token,
        LOG_LEVEL="WARNING",
    )
    from taskai import bootstrap
    from taskai.adapters.migrate import upgrade

    upgrade(args.database_url)
    with tempfile.TemporaryDirectory(prefix="bench-events-") as folder:
        work = Path(folder)
        server, arrivals, url = serve_recurrence(args.database_url, token, work)
        try:
            source, stop_source = start_source(url, args.kafka, args.parallelism)
            try:
                users = [new_user(bootstrap.uow) for _ in range(max(args.writers, WRITERS))]
                # the registration's commit kicked the background relay: its events are not
                # part of the figures (a relay_now() here would race that pass: RelayBusy)
                bootstrap.relay().idle.wait(60)
                profile = profiler(args, server, source.pid, work)
                results = {
                    "burst": burst(args, arrivals, users, profile),
                    "latency": latency(args, arrivals, users[: args.writers]),
                }
            finally:
                stop_source.set()
                source.join(timeout=15)
        finally:
            server.stop()
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "events.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
