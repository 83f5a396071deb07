"""What every HTTP function shares: routing each request to its handler, with trace, metrics
and a log line; the request side is `call`, the answers are `responses`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import flask
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule, UUIDConverter

from taskai import bootstrap, logs
from taskai.api import health
from taskai.api.call import Call
from taskai.api.operations import OPERATIONS
from taskai.api.responses import (
    add_security_headers,
    error_json,
    error_response,
    http_error,
    json_response,
    secure,
)
from taskai.config import get_settings
from taskai.domain.api_tokens import InsufficientScope
from taskai.errors import NotFound, TaskAIError, Unauthorized
from taskai.telemetry import tracing
from taskai.telemetry.metrics import exposition, observe_request

__all__ = ["Api", "Call"]

# Operations whose path is a credential are logged by their route (the token left out).
SECRET_PATHS = {op.id: op.path for op in OPERATIONS if op.secret_path}

log = logging.getLogger("taskai.http")
Handler = Callable[[Call], Any]
OPERATION_KEY = "taskai.operation"  # the matched operation id, kept in the WSGI environ


class IdConverter(UUIDConverter):
    """`<uuid:…>` path segments: any segment routes, and one that is not a UUID is the JSON 404
    naming `id` (werkzeug's own converter leaves it unrouted: its generic 404 says nothing)."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> Any:
        """The segment as a uuid.UUID; raises NotFound for one that is not a UUID (RFC 9562)."""
        try:
            return super().to_python(value)
        except ValueError as e:
            raise NotFound("not found", fields={"id": "not an id: ids are UUIDs"}) from e


class Api:
    """The operations one function serves, bound to their handlers, as one WSGI-ish callable."""

    def __init__(self, function: str) -> None:
        self.function = function
        self.operations = {op.id: op for op in OPERATIONS if op.function == function}
        self.handlers: dict[str, Handler] = {}
        rules = [
            Rule("/health", endpoint="health", methods=["GET"]),
            Rule("/ready", endpoint="ready", methods=["GET"]),
            Rule("/metrics", endpoint="metrics", methods=["GET"]),
            Rule("/api/openapi.json", endpoint="openapi", methods=["GET"]),
        ]
        rules += [
            Rule(op.path, endpoint=op.id, methods=[op.method]) for op in self.operations.values()
        ]
        # No redirects: a doubled or trailing slash is matched or is a JSON 404, never a 308.
        self.url_map = Map(
            rules, strict_slashes=False, merge_slashes=False, converters={"uuid": IdConverter}
        )
        if flask.has_app_context():  # loaded by functions-framework: its own errors in JSON too
            secure(flask.current_app)

    def handles(self, operation_id: str) -> Callable[[Handler], Handler]:
        """Bind a handler to one of this function's operations."""
        if operation_id not in self.operations:
            raise KeyError(f"{operation_id} is not an operation of {self.function}")

        def bind(handler: Handler) -> Handler:
            self.handlers[operation_id] = handler
            return handler

        return bind

    def __call__(self, request: flask.Request) -> flask.Response:
        """Answer one request: route, run the handler, and render the result or the error."""
        started = time.perf_counter()
        incoming = {k: request.headers.get(k) for k in ("traceparent", "tracestate")}
        attributes = {"http.request.method": request.method}
        with tracing.span(
            f"{request.method}", kind="SERVER", parent=incoming, attributes=attributes
        ) as span:
            trace = tracing.trace_id_of(span) or logs.trace_from_traceparent(
                incoming["traceparent"]
            )
            token = logs.trace_id.set(trace)
            try:
                response = self.dispatch(request)
            finally:
                logs.trace_id.reset(token)
            operation = request.environ.get(OPERATION_KEY, "unrouted")
            span.update_name(operation)  # the operation id: bounded, unlike the path
            span.set_attribute("http.response.status_code", response.status_code)
        add_security_headers(response)
        if (request.content_length or 0) > get_settings().max_body_bytes:
            # functions-framework reads the whole body before answering unless the answer is
            # streamed: a declared 1 GB body would hold the 413 until it all arrived.
            response.response = iter((response.get_data(),))
        seconds = time.perf_counter() - started
        observe_request(self.function, operation, response.status_code, seconds)
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": SECRET_PATHS.get(operation, request.path),
                "status": response.status_code,
                "ms": round(seconds * 1000, 2),
                "function": self.function,
            },
        )
        bootstrap.freeze_loaded()
        return response

    def dispatch(self, request: flask.Request) -> flask.Response:
        """The answer to one request; a TaskAIError or a crash becomes a JSON error answer."""
        call: Call | None = None
        try:
            endpoint, values = self.match(request)
            request.environ[OPERATION_KEY] = endpoint  # a bounded label: never the raw path
            if endpoint == "health":
                return json_response({"status": "ok", "function": self.function})
            if endpoint == "ready":
                status, body = health.ready_body(self.function, health.readiness())
                return json_response(body, status)
            if endpoint == "metrics":
                text, content_type = exposition()
                return flask.Response(text, status=200, content_type=content_type)
            if endpoint == "openapi":
                from taskai.api.openapi import document

                return json_response(document())
            operation = self.operations[endpoint]
            call = Call(request, operation, values)
            if not operation.public:
                call.caller()  # the token is checked before the body is read
            takes_body = operation.body is not None or operation.upload is not None
            if not takes_body and operation.method != "GET":
                call.no_body()
            result = self.handlers[endpoint](call)
            if isinstance(result, flask.Response):  # not JSON, or streamed (export, calendar)
                return result
            if operation.status == 204:
                empty = flask.Response(status=204)
                del empty.headers["Content-Type"]  # no content, so no type (RFC 9110 §8.3)
                return empty
            return json_response(result, operation.status)
        except TaskAIError as e:
            return error_response(denied(call) or e)
        except HTTPException as e:
            return http_error(e)
        except Exception as e:
            from taskai.adapters.db import unavailable  # SQLAlchemy: loaded by then, if at all

            down = unavailable(e)
            if down is not None:
                log.warning("database unavailable", extra={"error": repr(e)})
                return error_response(down)
            log.exception("unhandled error")
            return error_json(500, "internal_error", "something went wrong on our side")

    def match(self, request: flask.Request) -> tuple[str, Mapping[str, Any]]:
        """(operation id, path values) of the request; raises werkzeug's NotFound or
        MethodNotAllowed, or our NotFound naming `id` for a path id that is not a UUID (before
        the method is judged: no resource of any method lives there)."""
        urls = self.url_map.bind_to_environ(request.environ)
        try:
            return urls.match()
        except MethodNotAllowed as e:
            urls.match(method=next(iter(e.valid_methods or ["GET"])))  # NotFound for a bad id
            raise


def denied(call: Call | None) -> Unauthorized | InsufficientScope | None:
    """Why the caller of a refused request is not let in (a deleted account, a revoked or expired
    token, an API token without the operation's scope), checked on this error path only, so a
    client mistake never answers before the 401 or 403 would."""
    if call is None or call.operation.public or call.checked:
        return None
    try:
        call.user  # noqa: B018 - reading it checks the account in a transaction of its own
    except (Unauthorized, InsufficientScope) as e:
        return e
    except Exception:  # the database cannot say now: the client's own mistake is the answer
        log.warning("account not checked on an error path", exc_info=True)
    return None
