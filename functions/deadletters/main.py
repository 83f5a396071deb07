"""dead-letters function: the dead-letter sink of every KafkaSource.

Logs each event that could not be delivered, with the error Knative attached to it, and keeps
it on the dead-letter topic of its type (`task-events.dlq`, `reminders.dlq`) for replay.
"""

import logging
from functools import cache

import functions_framework

from taskai import contracts
from taskai.api.consumers import serve_events
from taskai.config import get_settings

log = logging.getLogger("taskai.deadletters")
ERROR_EXTENSIONS = ("knativeerrorcode", "knativeerrordest", "knativeerrordata")


@cache
def producer(servers: str):  # type: ignore[no-untyped-def]
    from kafka import KafkaProducer  # imported on first use: cold start matters

    return KafkaProducer(bootstrap_servers=servers.split(","), acks="all")


def on_dead_letter(event):  # type: ignore[no-untyped-def]
    contract = contracts.TYPES.get(event["type"])
    topic = contracts.DEAD_LETTER_TOPICS.get(contract.topic) if contract else None
    errors = {name: event.get(name) for name in ERROR_EXTENSIONS if event.get(name) is not None}
    log.error(
        "dead letter",
        extra={
            "event_id": event["id"],
            "type": event["type"],
            "subject": event.get("subject"),
            "topic": topic,
            **errors,
        },
    )
    servers = get_settings().kafka_bootstrap_servers
    if servers and topic:
        from cloudevents.kafka import to_binary

        message = to_binary(event, key_mapper=lambda e: (e.get("subject") or e["id"]).encode())
        producer(servers).send(
            topic, key=message.key, value=message.value, headers=list(message.headers.items())
        ).get(timeout=10)
    return f"kept on {topic}" if servers and topic else "logged"


@functions_framework.http
def deadletters(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=deadletters): the dead-letter sink of the KafkaSources."""
    return serve_events(request, consumer="deadletters", handler=on_dead_letter)
