"""outbox relay function: on each PingSource tick, publish every event still in the outbox."""

import logging

import functions_framework

from taskai import bootstrap
from taskai.services.relay import RelayBusy

log = logging.getLogger("taskai.relay")


@functions_framework.cloud_event
def outbox(event):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=outbox), fed by a PingSource every minute."""
    try:
        published = bootstrap.relay_now()
    except RelayBusy:
        published = 0  # another pass is publishing right now
    log.info("relay tick", extra={"published": published, "ping": event["id"]})
