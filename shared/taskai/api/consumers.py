"""What every event-fed function shares: health, CloudEvent parsing, contracts, logs, statuses.

Event functions are HTTP functions (so that Knative's probes can GET /health) that read the
CloudEvent themselves, in binary or structured mode. Statuses follow DESIGN section 5: 2xx on
success or a duplicate; 5xx on a transient failure, so the source retries with backoff; 4xx
only for an event that can never succeed, which the source then dead-letters.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import flask

from taskai import bootstrap, contracts, logs
from taskai.api import health
from taskai.errors import InvalidInput, Unauthorized
from taskai.telemetry import tracing
from taskai.telemetry.metrics import exposition, observe_event

log = logging.getLogger("taskai.events")
Handler = Callable[[str, str, contracts.EventData, datetime], str]
"""handler(event id, event type, data parsed as its type's contract model, now)."""
DEAD_LETTERED = "dead_lettered"


class EventRefused(Exception):
    """The event can never succeed (malformed, or against its contract): dead-letter it."""


def consume(event: Any, *, consumer: str, handler: Handler) -> str:
    """Parse `event` as its contract's model, run `handler(id, type, model, now)` and log the
    outcome; raises EventRefused for an event against its contract (an unknown type is ignored)."""
    about = {"consumer": consumer, "event_id": event["id"], "type": event["type"]}
    incoming = {"traceparent": event.get("traceparent"), "tracestate": event.get("tracestate")}
    attributes = {"cloudevents.event_id": event["id"], "cloudevents.event_type": event["type"]}
    with tracing.span(
        f"{consumer} process", kind="CONSUMER", parent=incoming, attributes=attributes
    ) as span:
        trace = tracing.trace_id_of(span) or logs.trace_from_traceparent(incoming["traceparent"])
        token = logs.trace_id.set(trace)
        return _consume(event, about, handler, token)


def _consume(event: Any, about: dict[str, Any], handler: Handler, token: Any) -> str:
    try:
        message = contracts.parse(event)  # the model of its type's contract, or InvalidEvent
        outcome = handler(event["id"], event["type"], message, datetime.now(UTC))
    except contracts.UnknownEventType:
        outcome = "ignored"  # a newer producer's type: not ours to refuse
    except InvalidInput as e:
        log.error("event refused", extra={**about, "error": str(e)})
        raise EventRefused(str(e)) from e
    finally:
        logs.trace_id.reset(token)
    log.info("event handled", extra={**about, "outcome": outcome})
    return outcome


def serve_events(
    request: flask.Request,
    *,
    consumer: str,
    handler: Callable[[Any], str],
    uses_kafka: bool = False,
) -> flask.Response:
    """Answer GET /health, /ready or /metrics, or read the POSTed CloudEvent and hand it to
    `handler`. `uses_kafka`: the function itself writes to Kafka, so readiness checks it too."""
    if request.method == "GET" and request.path == "/health":
        return reply(200, {"status": "ok", "function": consumer})
    if request.method == "GET" and request.path == "/ready":
        return reply(*health.ready_body(consumer, health.readiness(kafka=uses_kafka)))
    if request.method == "GET" and request.path == "/metrics":
        text, content_type = exposition()
        return flask.Response(text, status=200, content_type=content_type)
    if request.method != "POST":
        return reply(405, {"error": {"code": "method_not_allowed", "message": "POST a CloudEvent"}})
    try:  # only the event sources may deliver, and they are known before the event is read
        bootstrap.ingress().admit(request.headers.get("Authorization"))
    except Unauthorized as e:
        log.warning("event delivery refused", extra={"consumer": consumer, "error": e.message})
        return reply(401, {"error": {"code": e.code, "message": e.message}})
    started = time.perf_counter()
    seen = {"type": "other", "outcome": "retry"}  # what escapes as an exception is retried
    try:
        return deliver(request, consumer=consumer, handler=handler, seen=seen)
    finally:
        observe_event(consumer, seen["type"], seen["outcome"], time.perf_counter() - started)
        bootstrap.freeze_loaded()


def deliver(
    request: flask.Request,
    *,
    consumer: str,
    handler: Callable[[Any], str],
    seen: dict[str, str],
) -> flask.Response:
    """Read the CloudEvent and run `handler`; notes in `seen` the event's type and the outcome
    (ok, duplicate, retry or dead_lettered) for the metrics."""
    from cloudevents.exceptions import GenericException
    from cloudevents.http import from_http

    try:
        event = from_http(dict(request.headers), request.get_data())
    except GenericException as e:
        seen["outcome"] = DEAD_LETTERED
        return reply(400, {"error": {"code": "invalid_cloudevent", "message": str(e)}})
    seen["type"] = str(event["type"])
    try:
        outcome = handler(event)
    except EventRefused as e:
        seen["outcome"] = DEAD_LETTERED
        return reply(422, {"error": {"code": "event_refused", "message": str(e)}})
    except Exception as e:
        from taskai.adapters.db import unavailable  # SQLAlchemy: loaded by then, if at all

        down = unavailable(e)
        if down is None:
            raise  # a fault: 500, retried by the source, then dead-lettered
        log.warning("database unavailable", extra={"consumer": consumer, "error": repr(e)})
        response = reply(503, {"error": {"code": down.code, "message": down.message}})
        response.headers["Retry-After"] = str(down.retry_after_s)
        return response
    seen["outcome"] = "duplicate" if outcome == "duplicate" else "ok"
    return reply(200, {"outcome": outcome})


def reply(status: int, body: dict[str, Any]) -> flask.Response:
    """A JSON response of `body` with `status`, marked nosniff and no-store."""
    response = flask.Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
