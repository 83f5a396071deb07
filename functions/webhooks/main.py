"""webhooks function: each task event POSTed, signed, to its owner's webhooks that want it; on
each PingSource tick, the deliveries due for a retry."""

import uuid

import functions_framework

from taskai import bootstrap
from taskai.adapters.cloudevents_io import PING_TYPE
from taskai.adapters.webhook_http import as_json
from taskai.api.consumers import consume, serve_events
from taskai.services import webhooks as service


def on_event(event):  # type: ignore[no-untyped-def]
    """A tick: retry what is due ("attempted N"); an event: record its deliveries and start
    their attempts in the background ("started N of M"), so no receiver holds up the next event."""
    if event["type"] == PING_TYPE:
        return service.retry_due(
            uow=bootstrap.uow(), sender=bootstrap.webhook_sender(), now=bootstrap.clock()
        )
    return consume(
        event,
        consumer=service.CONSUMER,
        handler=lambda event_id, kind, data, now: started(
            service.record_deliveries(
                uow=bootstrap.uow(),
                user_id=service.owner_of(data),
                event_id=event_id,
                event_type=kind,
                payload=as_json(event),
                now=now,
            )
        ),
    )


def started(delivery_ids: list[uuid.UUID]) -> str:
    """Hand the claimed deliveries to the attempt pool; "started N of M" (the rest wait for the
    retry tick, after their lease)."""
    return f"started {bootstrap.webhook_attempts().start(delivery_ids)} of {len(delivery_ids)}"


@functions_framework.http
def webhooks(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=webhooks), fed by a KafkaSource on task-events and a
    PingSource every minute."""
    return serve_events(request, consumer=service.CONSUMER, handler=on_event)
