"""JSON log lines with the request's trace id, configured once per process."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

trace_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, trace id and any `extra` fields."""

    RESERVED = set(vars(logging.makeLogRecord({})))

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON: ISO 8601 UTC time in ms, level, logger, message, trace
        id, extras, exception."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (trace := trace_id.get()) is not None:
            line["trace_id"] = trace
        line.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure(level: str = "INFO") -> None:
    """Send the taskai loggers' records to stderr as JSON lines (idempotent)."""
    root = logging.getLogger("taskai")
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def trace_from_traceparent(header: str | None) -> str | None:
    """The trace id of a W3C `traceparent` header (version-traceid-parentid-flags)."""
    if not header:
        return None
    parts = header.split("-")
    if len(parts) == 4 and len(parts[1]) == 32 and parts[1] != "0" * 32:
        return parts[1]
    return None
