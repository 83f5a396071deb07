"""outbox relay function: on each PingSource tick, publish every event still in the outbox."""

import logging

import functions_framework

from taskai import bootstrap
from taskai.api.consumers import serve_events
from taskai.ports import RelayBusy

log = logging.getLogger("taskai.relay")


def on_tick(event):  # type: ignore[no-untyped-def]
    """Publish what waits in the outbox; "published N", or "busy" while another pass holds the
    turn."""
    try:
        published = bootstrap.relay_now()
    except RelayBusy:
        return "busy"  # another pass is publishing right now
    log.info("relay tick", extra={"published": published, "ping": event["id"]})
    return f"published {published}"


@functions_framework.http
def outbox(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=outbox), fed by a PingSource every minute."""
    return serve_events(request, consumer="outbox", handler=on_tick, uses_kafka=True)
