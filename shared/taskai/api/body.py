"""Reading a request's body off a socket that may stall (taskai.api.worker bounds its reads)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TypeVar

import flask

from taskai.errors import TaskAIError

T = TypeVar("T")


def received(request: flask.Request, read: Callable[[], T]) -> T:
    """What `read()` takes off `request`'s body; the socket failing under it (the client stalled
    past the server's read timeout, or went away) raises RequestTimeout, and the body then reads
    as empty (functions-framework drains it after the answer)."""
    try:
        return read()
    except OSError as e:
        request.stream = io.BytesIO()  # werkzeug's cached_property: set, it is never read again
        raise RequestTimeout() from e


class RequestTimeout(TaskAIError):
    """A request whose body stopped arriving before its declared end (408, RFC 9110 §15.5.9)."""

    code = "request_timeout"

    def __init__(self) -> None:
        super().__init__("the body stopped arriving before its end; send the request again")
