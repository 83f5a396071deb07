"""recurrence function: on task.completed of a recurring task, create the next occurrence."""

import functions_framework

from taskai import bootstrap
from taskai.api.consumers import consume, serve_events
from taskai.services import recurrence as service


def on_event(event):  # type: ignore[no-untyped-def]
    """Create the next occurrence for a completed recurring task; the outcome ("created",
    "ended", "ignored", "duplicate")."""
    return consume(
        event,
        consumer=service.CONSUMER,
        handler=lambda event_id, kind, data, now: service.on_task_event(
            uow=bootstrap.uow(), event_id=event_id, data=data, now=now
        ),
    )


@functions_framework.http
def recurrence(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=recurrence), fed by a KafkaSource on task-events."""
    return serve_events(request, consumer=service.CONSUMER, handler=on_event)
