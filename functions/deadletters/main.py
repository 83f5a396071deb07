"""dead-letters function: the dead-letter sink of every KafkaSource, and its re-queue pass.

A dead letter is logged with the error Knative attached to it and kept on the dead-letter topic
of its type (`task-events.dlq`, `reminders.dlq`); one that failed for a transient reason is also
given a time, and each PingSource tick re-queues to the original topic those whose time has come.
"""

import logging
from datetime import UTC, datetime
from functools import cache

import functions_framework

from taskai import bootstrap, dead_letters
from taskai.adapters.ping import PING_TYPE
from taskai.api.consumers import serve_events
from taskai.config import get_settings
from taskai.services import recurrence

log = logging.getLogger("taskai.deadletters")


@cache
def producer(servers: str):  # type: ignore[no-untyped-def]
    from kafka import KafkaProducer  # imported on first use: cold start matters

    from taskai.adapters.kafka_bus import CLIENT_TUNING

    return KafkaProducer(bootstrap_servers=servers.split(","), acks="all", **CLIENT_TUNING)


def on_event(event):  # type: ignore[no-untyped-def]
    settings = get_settings()
    servers, now = settings.kafka_bootstrap_servers, datetime.now(UTC)
    if event["type"] == PING_TYPE:
        if not servers:
            return "no kafka: nothing to re-queue"
        requeued = dead_letters.requeue_due(servers, now=now)
        return "busy" if requeued is None else f"re-queued {requeued}"
    send = (lambda *a, **kw: producer(servers).send(*a, **kw).get(timeout=10)) if servers else None
    policy = dead_letters.Policy()
    final = dead_letters.needs_a_person(event, now=now, policy=policy)
    outcome = dead_letters.keep(event, now=now, policy=policy, send=send)
    if final:  # a completion whose next occurrence will not come: the owner sees why
        recurrence.stall_series(
            uow=bootstrap.uow(), event_type=event["type"], data=event.data, reason=final, now=now
        )
    return outcome


@functions_framework.http
def deadletters(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=deadletters): the KafkaSources' dead-letter sink, pinged."""
    return serve_events(request, consumer="deadletters", handler=on_event, uses_kafka=True)
