"""A task decades overdue is completed while others use TaskAI: one successor, nobody waits."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support import settle


def test_completing_a_daily_task_40_years_overdue_makes_one_successor_while_others_stay_fast(
    alice, bob
):
    task = alice.post("/api/tasks", {"title": "Take vitamins", "due_date": "1986-01-01T09:00:00",
                                     "recurrence": {"preset": "daily"}}).json  # fmt: skip
    for n in range(20):
        bob.post("/api/tasks", {"title": f"Bob's task {n}"})
    latencies: list[float] = []
    done = threading.Event()

    def meanwhile() -> None:
        while not done.is_set():
            began = time.perf_counter()
            assert bob.get("/api/tasks").status_code == 200
            assert bob.post("/api/tasks", {"title": "Bob writes too"}).status_code == 201
            latencies.append(time.perf_counter() - began)

    other = threading.Thread(target=meanwhile)
    other.start()
    time.sleep(0.2)
    began = time.perf_counter()
    assert alice.post(f"/api/tasks/{task['id']}/complete").status_code == 200
    settle()
    completed_in = time.perf_counter() - began
    time.sleep(0.2)
    done.set()
    other.join()
    series = alice.get(f"/api/tasks/{task['id']}/series").json["items"]
    now = datetime.now(ZoneInfo("America/New_York"))
    expected = now.replace(hour=9, minute=0, second=0, microsecond=0)
    expected += timedelta(days=1) if expected <= now else timedelta(0)
    print(f"\nfault overdue: completion+successor {completed_in:.3f} s, other user's requests "
          f"{len(latencies)}, slowest {max(latencies):.3f} s")  # fmt: skip
    assert [t["occurrence"] for t in series] == [1, 2]
    assert series[1]["due_date"] == expected.isoformat()
    assert max(latencies) < 1.0
