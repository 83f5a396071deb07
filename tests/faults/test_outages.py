"""Outages of PostgreSQL and Kafka, for real: nothing lost, nothing doubled, 503 meanwhile.

Each experiment stops a service of the lab (private PostgreSQL and Kafka), drives TaskAI as its
users would, brings the service back and counts exactly. The figures are printed (-s shows them).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fault_lab import EventPort, Lab, park_group, recurrence_source, unique, wait_until

from support import Api, end_offsets, ensure_topic, events_since
from taskai import bootstrap

OUTAGE_S = 60
SERIES = 150


def recurring_tasks(user: Api, count: int) -> list[str]:
    ids = []
    for n in range(count):
        response = user.post("/api/tasks", {"title": f"Water plant {n}",
                                            "due_date": "2031-01-31T09:00:00",
                                            "recurrence": {"preset": "daily"}})  # fmt: skip
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return ids


def complete(user: Api, task_id: str) -> None:
    response = user.post(f"/api/tasks/{task_id}/complete")
    assert response.status_code == 200, response.json


def report(name: str, **figures: Any) -> None:
    print(f"\nfault {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


@pytest.mark.postgres
@pytest.mark.kafka
def test_postgresql_down_for_a_minute_with_a_backlog_in_kafka_loses_and_doubles_nothing(
    system: Lab, event_port: EventPort, gateway: Any
) -> None:
    user = Api(gateway).as_new_user("America/New_York")
    group = unique("recurrence")
    park_group(system.bootstrap_servers, "task-events", group)
    for task_id in recurring_tasks(user, SERIES):
        complete(user, task_id)
    wait_until(lambda: system.unpublished() == 0, 60)  # every completion waits in Kafka
    system.postgres.stop()
    source = recurrence_source(system, event_port, group)
    source.start()
    try:
        time.sleep(OUTAGE_S)
        system.postgres.start()
        recovered = wait_until(lambda: len(system.occurrences_per_series()) == SERIES and all(
            n >= 2 for n in system.occurrences_per_series().values()), 240)  # fmt: skip
        time.sleep(3)  # anything doubled would show by now
        per_series = system.occurrences_per_series()
    finally:
        source.stop()
    lost = sum(1 for n in per_series.values() if n < 2)
    doubled = sum(n - 2 for n in per_series.values() if n > 2)
    report("postgres-down", backlog=SERIES, outage_s=OUTAGE_S, recovered_after_s=round(recovered),
           lost=lost, doubled=doubled, dead_lettered=source.dead_lettered)  # fmt: skip
    assert (lost, doubled, source.dead_lettered) == (0, 0, 0)


@pytest.mark.postgres
@pytest.mark.kafka
def test_kafka_down_for_a_minute_while_tasks_are_completed_delivers_every_event_soon_after(
    system: Lab, event_port: EventPort, gateway: Any
) -> None:
    user = Api(gateway).as_new_user("Europe/Berlin")
    source = recurrence_source(system, event_port, unique("recurrence"))
    park_group(system.bootstrap_servers, "task-events", source.group)
    source.start()
    count = 30
    try:
        system.kafka.stop()
        began = time.monotonic()
        for task_id in recurring_tasks(user, count):  # the API answers while Kafka is away
            complete(user, task_id)
            time.sleep((OUTAGE_S - 10) / count)
        waiting = system.unpublished()
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - began)))
        system.kafka.start()
        back = time.monotonic()
        wait_until(lambda: system.unpublished() == 0, 60)
        drained = time.monotonic() - back
        wait_until(lambda: all(n >= 2 for n in system.occurrences_per_series().values()), 60)
        delivered = time.monotonic() - back
        time.sleep(3)
        per_series = system.occurrences_per_series()
    finally:
        source.stop()
    lost = count - sum(1 for n in per_series.values() if n >= 2)
    doubled = sum(n - 2 for n in per_series.values() if n > 2)
    report("kafka-down", events_waiting=waiting, outbox_drained_after_s=round(drained, 1),
           occurrences_after_s=round(delivered, 1), lost=lost, doubled=doubled)  # fmt: skip
    assert waiting >= count  # the outbox held them (created and completed) while Kafka was away
    assert (lost, doubled, source.dead_lettered) == (0, 0, 0)
    assert delivered <= 60


@pytest.mark.postgres
def test_tasks_created_while_kafka_is_down_all_arrive_in_order_when_it_returns(
    system: Lab, gateway: Any
) -> None:
    user = Api(gateway).as_new_user("Europe/Berlin")
    kafka = system.bootstrap_servers
    ensure_topic(kafka)
    before = end_offsets(kafka, "task-events")
    system.kafka.stop()
    try:
        ids = []
        for n in range(5):
            started = time.monotonic()
            task = user.post("/api/tasks", {"title": f"offline {n}"})
            assert task.status_code == 201  # the API keeps answering
            assert time.monotonic() - started < 2.0
            ids.append(task.json["id"])
            user.patch(f"/api/tasks/{ids[-1]}", {"title": f"offline {n} renamed"})
        time.sleep(OUTAGE_S)
    finally:
        system.kafka.start()
    bootstrap.relay().kick()
    records = events_since(kafka, before, set(ids), expected=10, timeout_s=90)
    by_task: dict[str, list[str]] = {}
    for record in records:
        by_task.setdefault(record.key.decode(), []).append(dict(record.headers)["ce_type"].decode())
    report("kafka-down-order", tasks=len(by_task), events=len(records))
    assert set(by_task) == set(ids)
    for kinds in by_task.values():
        assert list(dict.fromkeys(kinds)) == ["com.taskai.task.created", "com.taskai.task.updated"]


def timed_request(base: str, method: str, path: str, token: str, body: Any = None) -> tuple:
    """(status, seconds, Retry-After) of one request over real HTTP."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status, time.monotonic() - began, None
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, time.monotonic() - began, e.headers.get("Retry-After")


def restart_postgres(system: Lab, down_s: float) -> None:
    system.postgres.stop()
    time.sleep(down_s)
    system.postgres.start()


@pytest.mark.postgres
def test_a_postgresql_restart_under_load_answers_only_503_with_retry_after_and_none_slow(
    system: Lab, gateway: Any
) -> None:
    from werkzeug.serving import make_server

    user = Api(gateway).as_new_user("UTC")
    server = make_server("127.0.0.1", 0, gateway, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base, token = f"http://127.0.0.1:{server.server_port}", user.token
    calls = [("GET", "/api/tasks", None), ("POST", "/api/tasks", {"title": "Under load"}),
             ("GET", "/api/tags", None), ("GET", "/api/sync", None)]  # fmt: skip
    rate, seconds = 10, 30
    futures = []
    with ThreadPoolExecutor(max_workers=64) as pool:
        restart = threading.Timer(8, restart_postgres, args=(system, 5))
        restart.start()
        began = time.monotonic()
        for n in range(rate * seconds):
            time.sleep(max(0.0, began + n / rate - time.monotonic()))
            futures.append(pool.submit(timed_request, base, *calls[n % len(calls)][:2], token,
                                       calls[n % len(calls)][2]))  # fmt: skip
        restart.join()
        results = [future.result() for future in futures]
    server.shutdown()
    statuses = [status for status, _, _ in results]
    unavailable = [(s, after) for s, _, after in results if s == 503]
    slowest = max(seconds for _, seconds, _ in results)
    report("postgres-restart", requests=len(results), ok=sum(s < 300 for s in statuses),
           unavailable=len(unavailable), other=sum(s >= 300 and s != 503 for s in statuses),
           slowest_s=round(slowest, 2))  # fmt: skip
    assert all(status in (200, 201, 503) for status in statuses), sorted(set(statuses))
    assert all(after and int(after) > 0 for _, after in unavailable)
    assert slowest < 10
    assert all(status < 300 for status in statuses[-rate * 3 :])  # well again afterwards
