"""What every CloudEvent function shares: trace ids, contract checks, outcome logs, statuses.

Statuses follow DESIGN section 5: 2xx on success or a duplicate; an exception (5xx) on a
transient failure, so the source retries; 4xx only for an event that can never succeed, which
the source then dead-letters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from werkzeug.exceptions import UnprocessableEntity

from taskai import contracts, logs
from taskai.errors import InvalidInput

log = logging.getLogger("taskai.events")
Handler = Callable[[str, str, dict[str, Any], datetime], str]


def consume(event: Any, *, consumer: str, handler: Handler) -> str:
    """Check `event` against its contract, run `handler(id, type, data, now)`, log the outcome."""
    token = logs.trace_id.set(logs.trace_from_traceparent(event.get("traceparent")))
    about = {"consumer": consumer, "event_id": event["id"], "type": event["type"]}
    try:
        contracts.parse(event)  # the contract of its type, or InvalidEvent
        outcome = handler(event["id"], event["type"], event.data, datetime.now(UTC))
    except contracts.UnknownEventType:
        outcome = "ignored"  # a newer producer's type: not ours to refuse
    except InvalidInput as e:
        log.error("event refused", extra={**about, "error": str(e)})
        raise UnprocessableEntity(str(e)) from e
    finally:
        logs.trace_id.reset(token)
    log.info("event handled", extra={**about, "outcome": outcome})
    return outcome
