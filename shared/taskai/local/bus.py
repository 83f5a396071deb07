"""The embedded mode's event bus: outbox records go straight to the event functions' apps."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from taskai.adapters.cloudevents_io import to_http
from taskai.adapters.http_delivery import RETRYABLE  # as KafkaSource: these and 5xx are retried
from taskai.ports import OutboxRecord

log = logging.getLogger("taskai.bus")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class InProcessBus:
    """Stands in for Kafka + KafkaSource: POSTs each record to its topic's subscribers."""

    def __init__(self, credential: Callable[[], dict[str, str]] | None = None) -> None:
        self.credential = credential  # the header that admits a delivery to event functions
        self.subscribers: dict[str, list[tuple[str, WSGIApp]]] = {}
        self.dead_letters: list[tuple[str, OutboxRecord, int]] = []

    def subscribe(self, topic: str, name: str, app: WSGIApp) -> None:
        """Deliver records of `topic` to the WSGI `app` too, logged as subscriber `name`, after
        those already subscribed."""
        self.subscribers.setdefault(topic, []).append((name, app))

    def publish(self, records: Sequence[OutboxRecord]) -> int:
        """Deliver in order; stop at the first record a subscriber should get again later."""
        from werkzeug.test import Client

        for delivered, record in enumerate(records):
            if not (subscribers := self.subscribers.get(record.topic)):
                continue  # no one listens (e.g. an HTTP function's own relay): nothing to build
            headers, body = to_http(record)
            if self.credential is not None:
                headers = {**headers, **self.credential()}
            for name, app in subscribers:
                status = Client(app).post("/", headers=headers, data=body).status_code
                if status >= 500 or status in RETRYABLE:
                    log.warning(
                        "delivery failed; will retry",
                        extra={"subscriber": name, "event_id": record.event_id, "status": status},
                    )
                    return delivered
                if status >= 400:
                    log.error(
                        "dead letter",
                        extra={
                            "subscriber": name,
                            "event_id": record.event_id,
                            "type": record.type,
                            "status": status,
                        },
                    )
                    self.dead_letters.append((name, record, status))
        return len(records)
