"""The gunicorn worker every TaskAI server runs (`taskai serve` and the image): gunicorn's gthread
worker, with each connection's reads and writes bounded in time.

gthread waits for a new connection's first byte off its thread pool, but then reads the headers
and the body with a blocking socket and no timeout: a client that declares a 100-byte body and
sends 10 holds a thread for ever, and as many such clients as threads stop the server. Here
every socket call on a connection fails once it has made no progress for READ_TIMEOUT_S seconds
(SO_RCVTIMEO and SO_SNDTIMEO, kept across keep-alive), as nginx's client_header_timeout and
client_body_timeout do: a stalled header ends the connection, a stalled body is answered 408
(taskai.api.body.RequestTimeout), and a client that stops reading its answer is let go.
"""

from __future__ import annotations

import logging
import socket
import struct
from typing import Any

from gunicorn.workers.gthread import ThreadWorker as GThreadWorker


class ThreadWorker(GThreadWorker):
    """gunicorn's gthread worker whose connections end after READ_TIMEOUT_S seconds of silence."""

    def init_process(self) -> None:
        """Read the timeout, quiet gunicorn's report of a stalled client, run the worker."""
        from taskai.config import get_settings

        seconds, fraction = divmod(get_settings().read_timeout_s, 1)
        self.taskai_timeval = struct.pack("ll", int(seconds), int(fraction * 1e6))  # socket(7)
        logging.getLogger("gunicorn.error").addFilter(stalled_client)
        super().init_process()

    def handle(self, conn: Any) -> Any:
        """Bound the connection's socket calls (once per connection), then serve a request."""
        if not getattr(conn, "taskai_bounded", False):
            for option in (socket.SO_RCVTIMEO, socket.SO_SNDTIMEO):
                conn.sock.setsockopt(socket.SOL_SOCKET, option, self.taskai_timeval)
            conn.taskai_bounded = True
        return super().handle(conn)


def stalled_client(record: logging.LogRecord) -> bool:
    """gunicorn logs a socket timeout as an error with its traceback; a stalled client is the
    client's doing, so it becomes one info line (a flood of them must not fill the error log)."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, BlockingIOError | TimeoutError):
        record.msg, record.args, record.exc_info = "client stalled: connection closed", (), None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)
    return True
