"""Liveness and readiness. `/health` answers from memory, so a slow database never gets a pod
restarted; `/ready` proves that the database (and Kafka, for a function that writes to it)
answers within a short timeout, so a pod that cannot serve is taken out of rotation instead."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

log = logging.getLogger("taskai.health")
READY_TIMEOUT_S = 1.0
OK, DOWN, TIMEOUT = "ok", "unavailable", "timeout"
_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readiness")
_inflight: dict[tuple[str, str], Future[None]] = {}  # (check, what it reaches): its last run
_inflight_lock = threading.Lock()


def readiness(*, kafka: bool = False, timeout_s: float = READY_TIMEOUT_S) -> dict[str, str]:
    """Each dependency's state ("ok", "unavailable", "timeout"), each checked within `timeout_s`.
    Kafka is checked only when asked for and configured."""
    from taskai.config import get_settings

    settings = get_settings()
    checks = {"database": _within(("database", settings.sqlalchemy_url), check_database, timeout_s)}
    servers = settings.kafka_bootstrap_servers
    if kafka and servers:
        check = lambda: check_kafka(servers, timeout_s)  # noqa: E731
        checks["kafka"] = _within(("kafka", servers), check, timeout_s)
    return checks


def check_database() -> None:
    """One round trip on a pooled connection (a broken one is replaced by the pre-ping)."""
    from sqlalchemy import text

    from taskai import bootstrap

    with bootstrap.engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def check_kafka(servers: str, timeout_s: float) -> None:
    """A broker of the bootstrap list accepts a connection (the clients do the rest)."""
    errors = []
    for server in servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
            return
        except (OSError, ValueError) as e:
            errors.append(f"{server}: {e!r}")
    raise ConnectionError("; ".join(errors))


def _within(key: tuple[str, str], check: Callable[[], None], timeout_s: float) -> str:
    """Run `check` on the checks' pool, waiting at most `timeout_s`. A check still running from
    an earlier probe is waited on again rather than started twice, so a hung dependency holds
    at most one thread per check."""
    with _inflight_lock:
        future = _inflight.get(key)
        if future is None or future.done():
            future = _inflight[key] = _checks.submit(check)
    try:
        future.result(timeout=timeout_s)
    except FutureTimeout:
        log.warning("readiness check timed out", extra={"check": key[0], "timeout_s": timeout_s})
        return TIMEOUT
    except Exception as e:
        log.warning("readiness check failed", extra={"check": key[0], "error": repr(e)})
        return DOWN
    return OK


def ready_body(function: str, checks: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of GET /ready: 200 when every check is ok, else 503."""
    ready = all(state == OK for state in checks.values())
    body: dict[str, Any] = {
        "status": "ready" if ready else "unready",
        "function": function,
        "checks": checks,
    }
    return (200 if ready else 503), body
