"""Prometheus metrics of this process, with the official client (imported on first use, so a
function's cold start does not pay for it before its first request).

Labels are bounded: function, operation id, status class, consumer, event type, outcome; never
a user, a task or a path with ids in it. Gauges of shared state (the outbox backlog, the
database pool) are read when Prometheus scrapes, not kept up to date on every write.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any

log = logging.getLogger("taskai.metrics")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LATENESS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600)
EVENT_OUTCOMES = ("ok", "duplicate", "retry", "dead_lettered")
PING_TYPE = "dev.knative.sources.ping"  # what the PingSources send the scheduled functions


class Metrics:
    """Every metric TaskAI exports, registered once per process in the default registry."""

    def __init__(self) -> None:
        from prometheus_client import REGISTRY, Counter, Histogram

        self.http_requests = Counter(
            "taskai_http_requests",
            "HTTP requests answered, by function, operation and status class.",
            ["function", "operation", "status_class"],
        )
        self.http_errors = Counter(
            "taskai_http_request_errors",
            "HTTP requests answered with a 4xx or 5xx, by status class.",
            ["function", "operation", "status_class"],
        )
        self.http_duration = Histogram(
            "taskai_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["function", "operation"],
            buckets=LATENCY_BUCKETS,
        )
        self.events = Counter(
            "taskai_events_handled",
            "CloudEvents handled by an event function, by type and outcome "
            "(ok, duplicate, retry, dead_lettered).",
            ["consumer", "type", "outcome"],
        )
        self.event_duration = Histogram(
            "taskai_event_handling_duration_seconds",
            "Time to handle one delivered CloudEvent.",
            ["consumer"],
            buckets=LATENCY_BUCKETS,
        )
        self.reminders_due = Counter(
            "taskai_reminders_due", "Reminders the scheduler found due and queued for sending."
        )
        self.reminders_missed = Counter(
            "taskai_reminders_missed", "Reminders found too late to be worth sending."
        )
        self.reminders_sent = Counter("taskai_reminders_sent", "Reminder emails sent.")
        self.reminders_failed = Counter(
            "taskai_reminders_failed",
            "Reminder email attempts that failed, transient (retried) or permanent.",
            ["kind"],
        )
        self.reminder_lateness = Histogram(
            "taskai_reminder_lateness_seconds",
            "How long after its fire time a reminder email went out.",
            buckets=LATENESS_BUCKETS,
        )
        self.login_throttled = Counter(
            "taskai_login_throttled",
            "Attempts refused by the login guard (too many failures), by action.",
            ["action"],
        )
        REGISTRY.register(StateCollector())


_first_use = threading.Lock()  # concurrent first requests must not register the metrics twice


def metrics() -> Metrics:
    """This process's metrics (built on first use, once even when threads race to it)."""
    with _first_use:
        return _built()


@cache
def _built() -> Metrics:
    return Metrics()


def status_class(status: int) -> str:
    """The HTTP status's class label: 404 → "4xx"."""
    return f"{status // 100}xx"


def observe_request(function: str, operation: str, status: int, seconds: float) -> None:
    """Count one HTTP answer and its latency."""
    m = metrics()
    kind = status_class(status)
    m.http_requests.labels(function, operation, kind).inc()
    if status >= 400:
        m.http_errors.labels(function, operation, kind).inc()
    m.http_duration.labels(function, operation).observe(seconds)


def observe_event(consumer: str, event_type: str, outcome: str, seconds: float) -> None:
    """Count one handled CloudEvent; a type outside the catalog is counted as "other"."""
    from taskai import contracts

    known = event_type in contracts.TYPES or event_type == PING_TYPE
    m = metrics()
    m.events.labels(consumer, event_type if known else "other", outcome).inc()
    m.event_duration.labels(consumer).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The text format of every metric of this process (of every process sharing
    PROMETHEUS_MULTIPROC_DIR: the workers of `taskai serve`), and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    metrics()  # even before the first request: every series' HELP and TYPE are there
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(StateCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class StateCollector:
    """Gauges read at scrape time: the outbox backlog and the database pool. Only a process
    that already has an engine is asked, so a scrape never opens the first connection."""

    def describe(self) -> list[Any]:
        """No descriptions, so registering does not call collect() (which would read the
        database)."""
        return []  # read at collect time only: the registry must not call collect() to describe

    def collect(self) -> Iterator[Any]:
        """The pool's checked-out connections, the outbox's pending events and its oldest age
        (seconds); nothing before the process has an engine."""
        from prometheus_client.core import GaugeMetricFamily

        from taskai import bootstrap

        if not bootstrap.engine.cache_info().currsize:
            return
        engine = bootstrap.engine()
        in_use = GaugeMetricFamily(
            "taskai_db_pool_connections_in_use", "Database connections checked out of the pool."
        )
        in_use.add_metric([], float(getattr(engine.pool, "checkedout", lambda: 0)()))
        yield in_use
        try:
            waiting, oldest = outbox_backlog(engine)
        except Exception as e:  # the database is down: the gauges are absent, not wrong
            log.warning("outbox backlog unreadable", extra={"error": repr(e)})
            return
        yield GaugeMetricFamily(
            "taskai_outbox_pending_events", "Events in the outbox not yet on the bus.", waiting
        )
        age = 0.0 if oldest is None else (datetime.now(UTC) - oldest).total_seconds()
        yield GaugeMetricFamily(
            "taskai_outbox_oldest_pending_age_seconds",
            "Age of the oldest event waiting in the outbox (0 when none waits).",
            max(age, 0.0),
        )


def outbox_backlog(engine: Any) -> tuple[int, datetime | None]:
    """(events waiting in the outbox, occurred_at of the oldest or None), over a new connection of
    `engine`."""
    from taskai.adapters.outbox import backlog

    with engine.connect() as connection:
        return backlog(connection)
