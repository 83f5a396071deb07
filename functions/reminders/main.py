"""reminders function: on each PingSource tick, queue every reminder that is due."""

import logging
from datetime import UTC, datetime

import functions_framework

from taskai import bootstrap
from taskai.api.consumers import serve_events
from taskai.config import get_settings
from taskai.services import reminders as service

log = logging.getLogger("taskai.reminders")


def on_tick(event):  # type: ignore[no-untyped-def]
    """Queue every due reminder and mark too-late ones missed; returns "queued N, missed M"."""
    tally = service.fire_due_reminders(
        uow=bootstrap.uow(),
        now=datetime.now(UTC),
        missed_after=get_settings().reminder_missed_after,
    )
    about = {"queued": tally.queued, "missed": tally.missed, "ping": event["id"]}
    log.info("reminders tick", extra=about)
    return f"queued {tally.queued}, missed {tally.missed}"


@functions_framework.http
def reminders(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=reminders), fed by a PingSource every minute."""
    return serve_events(request, consumer="reminders", handler=on_tick)
