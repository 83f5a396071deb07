"""recurrence function: on task.completed of a recurring task, create the next occurrence."""

import functions_framework

from taskai import bootstrap
from taskai.api.consumers import consume
from taskai.services import recurrence as service


@functions_framework.cloud_event
def recurrence(event):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=recurrence), fed by a KafkaSource on task-events."""
    consume(
        event,
        consumer=service.CONSUMER,
        handler=lambda event_id, event_type, data, now: service.on_task_event(
            uow=bootstrap.uow(), event_id=event_id, event_type=event_type, data=data, now=now
        ),
    )
