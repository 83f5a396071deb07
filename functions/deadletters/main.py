"""dead-letters function: the dead-letter sink of every KafkaSource, and its re-queue pass.

A dead letter is logged with the error Knative attached to it and kept on the dead-letter topic
of its type (`task-events.dlq`, `reminders.dlq`); one that failed for a transient reason is also
given a time, and each PingSource tick re-queues to the original topic those whose time has come.
"""

from datetime import UTC, datetime

import functions_framework

from taskai import bootstrap, dead_letters
from taskai.api.consumers import serve_events


def on_event(event):  # type: ignore[no-untyped-def]
    """Keep a dead letter (or, on a ping, re-queue the due ones); returns the outcome in words
    for the log."""
    return dead_letters.handle(
        event, now=datetime.now(UTC), kafka=bootstrap.kafka(), uow=bootstrap.uow
    )


@functions_framework.http
def deadletters(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=deadletters): the KafkaSources' dead-letter sink, pinged."""
    return serve_events(request, consumer="deadletters", handler=on_event, uses_kafka=True)
