"""webhooks function: each task event POSTed, signed, to its owner's webhooks that want it; on
each PingSource tick, the deliveries due for a retry."""

import functions_framework

from taskai import bootstrap
from taskai.adapters.cloudevents_io import PING_TYPE
from taskai.adapters.webhook_http import as_json
from taskai.api.consumers import consume, serve_events
from taskai.services import webhooks as service


def on_event(event):  # type: ignore[no-untyped-def]
    """A tick: retry what is due ("attempted N"); an event: deliver it ("delivered N of M")."""
    if event["type"] == PING_TYPE:
        return service.retry_due(
            uow=bootstrap.uow(), sender=bootstrap.webhook_sender(), now=bootstrap.clock()
        )
    return consume(
        event,
        consumer=service.CONSUMER,
        handler=lambda event_id, kind, data, now: service.deliver_event(
            uow=bootstrap.uow(),
            sender=bootstrap.webhook_sender(),
            user_id=service.owner_of(data),
            event_id=event_id,
            event_type=kind,
            payload=as_json(event),
            now=now,
        ),
    )


@functions_framework.http
def webhooks(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=webhooks), fed by a KafkaSource on task-events and a
    PingSource every minute."""
    return serve_events(request, consumer=service.CONSUMER, handler=on_event)
