"""Two schedulers at once never queue a reminder twice (threads and processes, real database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reminder_support import due_events, past_due, tick
from taskai import bootstrap
from taskai.services.reminders import Tally

ROOT = Path(__file__).resolve().parents[2]
REMINDERS = 600
SCHEDULER = """
import json, sys, time
from datetime import UTC, datetime, timedelta
from taskai import bootstrap
from taskai.services.reminders import fire_due_reminders
start = float(sys.argv[1])
uow = bootstrap.uow()
bootstrap.relay().stop()
time.sleep(max(0.0, start - time.time()))  # both processes begin together
tally = fire_due_reminders(uow=uow, now=datetime.now(UTC), missed_after=timedelta(days=1),
                           batch=25)
print(json.dumps({"queued": tally.queued, "missed": tally.missed}))
"""


def queued_once(expected: list[str]) -> None:
    counts = Counter(data["reminder_id"] for _, data in due_events())
    assert sorted(counts) == sorted(expected)  # every reminder queued...
    assert set(counts.values()) == {1}  # ...and none twice


def test_two_scheduler_threads_at_once_queue_each_reminder_exactly_once(alice, database):
    expected = past_due(alice, *range(1, REMINDERS + 1))
    bootstrap.relay().stop()
    now, start, tallies = datetime.now(UTC), threading.Barrier(2), []
    threads = [
        threading.Thread(target=lambda: (start.wait(), tallies.append(tick(now, batch=25))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t.queued for t in tallies) == REMINDERS
    if database == "postgres":  # SQLite has one writer at a time: it may all go to one
        assert all(t.queued > 0 for t in tallies)  # both took a share: they really overlapped
    queued_once(expected)


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_two_scheduler_processes_at_once_queue_each_reminder_exactly_once(alice):
    expected = past_due(alice, *range(1, REMINDERS + 1))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "shared")}
    start = time.time() + 3  # after both interpreters have started
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCHEDULER, str(start)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    tallies = [Tally(**json.loads(p.communicate(timeout=60)[0])) for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    assert sum(t.queued for t in tallies) == REMINDERS
    assert all(t.queued > 0 for t in tallies)
    queued_once(expected)
