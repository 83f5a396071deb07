"""Answers of the HTTP functions: JSON bodies, errors as statuses, security headers."""

from __future__ import annotations

import json
import logging
from typing import Any

import flask
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

from taskai.api.call import PayloadTooLarge, UnsupportedMediaType
from taskai.config import get_settings
from taskai.domain.api_tokens import InsufficientScope
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

log = logging.getLogger("taskai.http")
STATUS: dict[type[TaskAIError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthorized: 401,
    Forbidden: 403,
    TooManyAttempts: 429,
    Unavailable: 503,
    UnsupportedMediaType: 415,
    PayloadTooLarge: 413,
}


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
    """A domain error as its JSON answer: status from STATUS (else 400), auth and retry headers."""
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    response = error_json(status, error.code, error.message, error.fields or None)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="taskai"'
    if isinstance(error, InsufficientScope):  # RFC 6750 §3.1
        response.headers["WWW-Authenticate"] = (
            f'Bearer realm="taskai", error="insufficient_scope", scope="{error.scope}"'
        )
    if isinstance(error, TooManyAttempts | Unavailable):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def error_json(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> flask.Response:
    """The error body {"error": {"code", "message", "fields"?}} with `status`."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return json_response({"error": body}, status)


def json_response(payload: Any, status: int = 200) -> flask.Response:
    """`payload` (a pydantic model, or anything json.dumps takes with str() as fallback) as JSON."""
    if isinstance(payload, BaseModel):
        text = payload.model_dump_json()
    else:
        text = json.dumps(payload, separators=(",", ":"), default=str)
    return flask.Response(text, status=status, mimetype="application/json")
