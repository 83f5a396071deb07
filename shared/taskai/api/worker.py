"""The gunicorn worker every TaskAI server runs (`taskai serve` and the image): gunicorn's gthread
worker, reading each request whole, within a deadline, before the app sees it.

gthread waits for a new connection's first byte off its thread pool, but then reads the headers,
and the app reads the body, from a blocking socket with no time limit: a client that declares a
100-byte body and sends 10, or sends a byte every few seconds, holds a thread for as long as it
likes, and as many such clients as threads stop the server. Here, as Go's http.Server
ReadTimeout and nginx's request buffering do:
- a request's headers must have arrived READ_TIMEOUT_S after its first byte (or the connection
  closes), and its body READ_TIMEOUT_S later plus a second per BODY_MIN_RATE bytes (or it is
  answered 408), so that a thread is never held longer than that by a client's pace;
- the body is read into memory before the app is called (up to the largest body an operation
  takes; a larger declared one is refused 413 unread), so no app thread waits on the network
  and a malformed chunked body is a 400, not an app's crash;
- an answer's writes may wait on the client READ_TIMEOUT_S in all plus a second per
  BODY_MIN_RATE bytes of it (or the connection closes), as a body must arrive (the time the app
  takes to produce it is its own), and each other write must make progress within
  READ_TIMEOUT_S (SO_SNDTIMEO);
- errors answered here, and gunicorn's own (a garbage request line), are the API's JSON.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import struct
import time
from typing import Any

from gunicorn import util
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.errors import NoMoreData, ParseException
from gunicorn.workers.gthread import ThreadWorker as GThreadWorker

BODY_MIN_RATE = 16 * 1024  # bytes a second a body may arrive at, at the slowest (128 kbit/s)
BODY_CAP = 10 * 1024 * 1024  # the largest body an operation takes (an import's CSV or JSON)
log = logging.getLogger("taskai.http")


def timeval(seconds: float) -> bytes:
    """`seconds` as a struct timeval for SO_RCVTIMEO / SO_SNDTIMEO (socket(7)), at least 1 µs:
    a zero timeval would mean no timeout at all."""
    micro = max(1, round(seconds * 1e6))
    return struct.pack("ll", micro // 1_000_000, micro % 1_000_000)


class DeadlineSocket:
    """A connection's socket whose reads fail with TimeoutError once `deadline` (monotonic
    seconds; None: no limit) has passed, each read waiting at most until then, and whose writes
    of an answer (while `answering`) may wait on the client at most `grace_s` in all plus a
    second per `min_rate` bytes of it (TimeoutError otherwise); everything else is the socket's."""

    def __init__(self, sock: socket.socket, grace_s: float, min_rate: float) -> None:
        self.sock, self.grace_s, self.min_rate = sock, grace_s, min_rate
        self.deadline: float | None = None
        self.answering = False
        self.sent = 0  # bytes of the answer sent so far
        self.blocked = 0.0  # seconds its writes waited on the client so far

    def begin_answer(self) -> None:
        """Start counting an answer's bytes and the time its writes wait on the client."""
        self.answering, self.sent, self.blocked = True, 0, 0.0

    def recv(self, size: int, *flags: int) -> bytes:
        """socket.recv, within the deadline; raises TimeoutError or BlockingIOError past it."""
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request did not arrive in time")
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval(remaining))
        return self.sock.recv(size, *flags)

    def sendall(self, data: bytes, *flags: int) -> None:
        """socket.sendall; while answering, its waits on the client count against the answer's
        allowance (`grace_s` plus a second per `min_rate` bytes), and past it TimeoutError: a
        client that stops reading, or takes a large answer a few bytes at a time, would hold
        the thread, and an export's read transaction, for as long as it liked. Time the app
        takes to produce the answer (a slow request, a live stream's pauses) is not counted."""
        if not self.answering:
            self.sock.sendall(data, *flags)  # SO_SNDTIMEO bounds each stall
            return
        allowed = self.grace_s + (self.sent + len(data)) / self.min_rate - self.blocked
        if allowed <= 0:
            raise TimeoutError("the client did not take the answer in time")
        started = time.monotonic()
        self.sock.settimeout(allowed)  # the whole sendall's limit, not each send's
        try:
            self.sock.sendall(data, *flags)
        except TimeoutError as e:
            raise TimeoutError("the client did not take the answer in time") from e
        finally:
            self.sock.settimeout(None)
            self.blocked += time.monotonic() - started
        self.sent += len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)


class ThreadWorker(GThreadWorker):
    """gunicorn's gthread worker that reads each request whole within its deadline."""

    def init_process(self) -> None:
        """Read the settings, answer gunicorn's own errors in JSON, then run the worker."""
        from taskai.config import get_settings

        settings = get_settings()
        self.read_timeout_s = settings.read_timeout_s
        self.body_cap = max(BODY_CAP, settings.max_body_bytes)
        # gunicorn answers a request it cannot parse (414, 431, 400) itself, in HTML, and has
        # no hook for it: its one writer of those answers speaks the API's JSON instead
        util.write_error = lambda sock, status, reason, message: sock.sendall(
            error_message(status, reason, message)
        )
        logging.getLogger("gunicorn.error").addFilter(stalled_client)
        super().init_process()

    def handle(self, conn: Any) -> Any:
        """Give the request READ_TIMEOUT_S from now for its headers, then serve it."""
        if not isinstance(conn.sock, DeadlineSocket):  # before conn.init() reads from it
            conn.sock = DeadlineSocket(conn.sock, self.read_timeout_s, BODY_MIN_RATE)
            sndtimeo = timeval(self.read_timeout_s)
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, sndtimeo)
        conn.sock.deadline = time.monotonic() + self.read_timeout_s
        return super().handle(conn)

    def handle_request(self, req: Any, conn: Any) -> bool:
        """Read the body into memory within its deadline, then call the app; a body that stalls
        is answered 408, a malformed one 400, and the connection is closed."""
        try:
            self.buffer_body(req, conn.sock)
        except (TimeoutError, BlockingIOError):
            log.info(
                "client stalled", extra={"method": req.method, "path": req.path, "phase": "body"}
            )
            util.write_error(conn.sock, 408, "Request Timeout", "the body did not arrive in time")
            return False
        except ParseException as e:
            util.write_error(conn.sock, 400, "Bad Request", f"malformed body: {e}")
            return False
        except (NoMoreData, ConnectionError):  # the client went away mid-body
            return False
        finally:
            conn.sock.deadline = None  # the app reads from memory
        conn.sock.begin_answer()
        try:
            return bool(super().handle_request(req, conn))
        except TimeoutError as e:  # the client did not take the answer: close, log one line
            log.info(
                "client stalled", extra={"method": req.method, "path": req.path, "phase": "answer"}
            )
            raise StopIteration from e  # gunicorn's signal to close the connection quietly
        finally:
            conn.sock.answering = False

    def buffer_body(self, req: Any, sock: DeadlineSocket) -> None:
        """Replace `req.body` by its bytes, read within READ_TIMEOUT_S plus a second per
        BODY_MIN_RATE bytes; a declared body over the cap is left unread (the app answers 413
        from its length), a chunked one over it is cut there and its connection not reused."""
        reader = req.body.reader
        expected = reader.length if isinstance(reader, LengthReader) else self.body_cap
        if expected == 0 or expected > self.body_cap:
            return
        if req._expected_100_continue:  # gunicorn would send it only once the app is called
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            req._expected_100_continue = False
        sock.deadline = time.monotonic() + self.read_timeout_s + expected / BODY_MIN_RATE
        data = req.body.read(self.body_cap + 1)
        if isinstance(reader, LengthReader) and len(data) < expected:
            raise NoMoreData(data)
        req.body = Body(io.BytesIO(data))
        req.body.failed = len(data) > self.body_cap  # the rest is still on the socket


def error_message(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP/1.1 error answer with the API's JSON error body, for errors the server
    meets before any app sees the request (a garbage request line, one over the size limit)."""
    code = reason.lower().replace(" ", "_").replace("-", "_")
    body = json.dumps({"error": {"code": code, "message": message or reason}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def stalled_client(record: logging.LogRecord) -> bool:
    """gunicorn logs a read that timed out (headers that stalled) as an error with its
    traceback; it is the client's doing, so it becomes one JSON info line instead."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, BlockingIOError | TimeoutError):
        log.info("client stalled", extra={"phase": "headers"})
        return False
    return True
