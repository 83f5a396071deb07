"""What every HTTP function shares: routing, parsing, auth, limits, errors, logs, health."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, get_origin
from zoneinfo import ZoneInfo

import flask
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from taskai import bootstrap, logs
from taskai.adapters.db import unavailable
from taskai.adapters.unit_of_work import UnitOfWork
from taskai.api import health
from taskai.api.operations import OPERATIONS, Operation
from taskai.config import get_settings
from taskai.domain.users import LANGUAGES, User
from taskai.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TaskAIError,
    TooManyAttempts,
    Unauthorized,
    Unavailable,
)
from taskai.telemetry import tracing
from taskai.telemetry.metrics import exposition, observe_request

log = logging.getLogger("taskai.http")
M = TypeVar("M", bound=BaseModel)
Handler = Callable[["Call"], Any]
STATUS: dict[type[TaskAIError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthorized: 401,
    Forbidden: 403,
    TooManyAttempts: 429,
    Unavailable: 503,
}
LIST_SEPARATOR = ","
OPERATION_KEY = "taskai.operation"  # the matched operation id, kept in the WSGI environ


class Call:
    """One request as a handler sees it: path values, parsed body and query, the caller."""

    def __init__(self, request: flask.Request, operation: Operation, values: Mapping[str, Any]):
        self.request, self.operation, self.values = request, operation, values
        self.now = datetime.now(UTC)
        self._user: User | None = None

    @property
    def user_id(self) -> uuid.UUID:
        """The caller, from a valid bearer token (checked once per request)."""
        return self.user.id

    @property
    def user(self) -> User:
        """The caller's account; a valid token of an account that is gone is 401, not 404."""
        if self._user is None:
            scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("missing bearer token")
            user_id, version = bootstrap.tokens().verify(token.strip())
            with self.uow() as uow:
                try:
                    user = uow.users.get(user_id)
                except NotFound as e:
                    raise Unauthorized("invalid token") from e
            if user.token_version != version:  # logged out, or the password changed since
                raise Unauthorized("token revoked")
            self._user = user
        return self._user

    def zone(self) -> ZoneInfo:
        """The caller's time zone, in which times are shown."""
        return self.user.zone

    def language(self) -> str:
        """The language quick add reads in: the profile's, else the browser's, else English."""
        return self.user.language or accepted_language(
            self.request.headers.get("Accept-Language", "")
        )

    def client_address(self) -> str:
        """Where the request came from: the peer, or with TRUSTED_PROXY_HOPS proxies in front,
        the address the outermost trusted proxy saw (X-Forwarded-For from the right)."""
        hops = get_settings().trusted_proxy_hops
        forwarded = self.request.headers.get("X-Forwarded-For", "").split(",")
        route = [a.strip() for a in forwarded if a.strip()]
        if hops and len(route) >= hops:
            return route[-hops][:100]
        return self.request.remote_addr or "unknown"

    def in_zone(self, moment: datetime | None) -> datetime | None:
        """A time the caller sent without an offset is read in the caller's zone."""
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=self.zone())

    def uow(self) -> UnitOfWork:
        return bootstrap.uow(traceparent=self.request.headers.get("traceparent"))

    def body(self, model: type[M]) -> M:
        """The JSON body validated against `model` (an empty body is validated as null)."""
        raw = self.raw_body()
        if raw and self.request.mimetype != "application/json":
            raise UnsupportedMediaType()
        return validate(model, raw or b"null")

    def raw_body(self) -> bytes:
        """The body, read only up to the limit (a declared or streamed excess is refused)."""
        limit = get_settings().max_body_bytes
        if (self.request.content_length or 0) > limit:
            raise PayloadTooLarge(limit)
        data = self.request.stream.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(limit)
        return data

    def query(self, model: type[M]) -> M:
        """The query string validated against `model`; list fields take a,b or repeats."""
        data: dict[str, Any] = {}
        for name in self.request.args:
            values = self.request.args.getlist(name)
            field = model.model_fields.get(name)
            if field is not None and get_origin(field.annotation) is list:
                data[name] = [v for value in values for v in value.split(LIST_SEPARATOR) if v]
            else:
                data[name] = values[-1]
        return validate(model, data)


class UnsupportedMediaType(TaskAIError):
    code = "unsupported_media_type"

    def __init__(self) -> None:
        super().__init__("send the body as application/json")


class PayloadTooLarge(TaskAIError):
    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is larger than {limit} bytes")


STATUS[UnsupportedMediaType] = 415
STATUS[PayloadTooLarge] = 413


def validate(model: type[M], data: dict[str, Any] | bytes) -> M:
    """Validate a dict or JSON text; pydantic's errors become one InvalidInput naming each field."""
    try:
        if isinstance(data, bytes):
            return model.model_validate_json(without_nul(data))
        return model.model_validate(_strip_nul(data))
    except ValidationError as e:
        fields: dict[str, str] = {}
        for error in e.errors():
            where = ".".join(str(part) for part in error["loc"]) or "body"
            message = "invalid JSON" if error["type"] == "json_invalid" else error["msg"]
            fields.setdefault(where, message)
        raise InvalidInput("invalid " + ", ".join(fields), fields=fields) from e


def without_nul(raw: bytes) -> bytes:
    """JSON text with U+0000 taken out of its strings: PostgreSQL text cannot hold it."""
    if b"\\u0000" not in raw:
        return raw
    try:
        return json.dumps(_strip_nul(json.loads(raw))).encode()
    except ValueError:
        return raw  # not JSON: pydantic names the error


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    return value


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
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)
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
                "path": request.path,
                "status": response.status_code,
                "ms": round(seconds * 1000, 2),
                "function": self.function,
            },
        )
        return response

    def dispatch(self, request: flask.Request) -> flask.Response:
        try:
            endpoint, values = self.url_map.bind_to_environ(request.environ).match()
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
                call.user  # noqa: B018 - who is asking is settled before the body is read
            result = self.handlers[endpoint](call)
            if operation.status == 204:
                return flask.Response(status=204)
            return json_response(result, operation.status)
        except TaskAIError as e:
            return error_response(e)
        except HTTPException as e:
            return http_error(e)
        except Exception as e:
            down = unavailable(e)
            if down is not None:
                log.warning("database unavailable", extra={"error": repr(e)})
                return error_response(down)
            log.exception("unhandled error")
            return error_json(500, "internal_error", "something went wrong on our side")


def http_error(e: HTTPException) -> flask.Response:
    """Werkzeug's error (404, 405, ...) as our JSON error body instead of an HTML page."""
    code = (e.name or "error").lower().replace(" ", "_")
    response = error_json(e.code or 500, code, e.description or code)
    if e.code == 405 and hasattr(e, "valid_methods") and e.valid_methods:
        response.headers["Allow"] = ", ".join(e.valid_methods)
    return response


def secure(app: flask.Flask) -> None:
    """Make the functions-framework app answer its own errors (an unroutable path, a crash)
    with JSON bodies and every answer with the security headers."""

    def on_http_error(e: HTTPException) -> flask.Response:
        return http_error(e)

    def on_crash(e: Exception) -> flask.Response:
        log.error("unhandled error", exc_info=e)
        return error_json(500, "internal_error", "something went wrong on our side")

    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(500, on_crash)
    app.after_request(add_security_headers)


def add_security_headers(response: flask.Response) -> flask.Response:
    """Headers every API answer carries: no sniffing, no caching, HSTS behind https."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    if get_settings().public_url.startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000")
    return response


def error_response(error: TaskAIError) -> flask.Response:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    response = error_json(status, error.code, error.message, error.fields or None)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="taskai"'
    if isinstance(error, TooManyAttempts | Unavailable):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def error_json(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> flask.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return json_response({"error": body}, status)


def json_response(payload: Any, status: int = 200) -> flask.Response:
    if isinstance(payload, BaseModel):
        text = payload.model_dump_json()
    else:
        text = json.dumps(payload, separators=(",", ":"), default=str)
    return flask.Response(text, status=status, mimetype="application/json")


def accepted_language(header: str) -> str:
    """Return the supported language an Accept-Language header prefers most, else "en"."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().split("-")[0].lower()
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else "en"
