"""stream function: live push, the caller's sync pages as Server-Sent Events (/api/stream); see
taskai.services.live for how a long-lived stream stays cheap."""

import select
import socket
import ssl
import weakref
from collections.abc import Callable

import flask
import functions_framework

from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.http import Api, Call
from taskai.api.presenters import sync_json
from taskai.config import get_settings
from taskai.services import live, sync

api = Api("stream")


@api.handles("streamChanges")
def stream_changes(call: Call) -> flask.Response:
    """GET /api/stream → 200 text/event-stream of sync pages from Last-Event-ID (else `cursor`);
    422 InvalidInput for a bad cursor, 503 TooManyStreams (Retry-After) over the bounds."""
    raw = call.request.headers.get("Last-Event-ID") or call.query(s.SyncParams).cursor
    cursor = sync.parse_cursor(raw)
    settings, caller, user_id = get_settings(), call.caller(), call.user_id

    def page(after: sync.Cursor) -> live.Page:
        uow = bootstrap.uow(caller=caller, read_only=True)  # the caller is checked each time
        changes = sync.changes_since(uow=uow, user_id=user_id, cursor=after)
        assert uow.account is not None
        data = sync_json(changes, uow.account.zone)
        return live.Page(changes.cursor, changes.has_more, data)

    def latest() -> int:
        return live.latest_change(uow=bootstrap.uow(read_only=True), caller=caller)

    def recheck() -> None:
        with bootstrap.uow(caller=caller, read_only=True):
            pass

    release = live.SLOTS.take(
        user_id,
        per_process=settings.stream_max_per_process,
        per_user=settings.stream_max_per_user,
    )
    try:
        first = page(cursor)
    except BaseException:
        release()
        raise
    timing = live.Timing(
        settings.stream_heartbeat_s, settings.stream_poll_s, settings.stream_lifetime_s
    )
    sock = call.request.environ.get("gunicorn.socket") or call.request.environ.get(
        "werkzeug.socket"
    )
    body = live.events(
        first=first,
        page=page,
        latest=latest,
        recheck=recheck,
        timing=timing,
        gone=hung_up(sock),
    )
    response = flask.Response(
        body,
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    response.call_on_close(release)  # the server closes the answer once sent or cut off
    weakref.finalize(body, release)  # and one never sent at all lets go of its slot too
    return response


def hung_up(sock: socket.socket | None) -> Callable[[], bool]:
    """Whether the client closed the connection: its socket reads as end of file (a closed
    tab, a reload); never for no socket (a test client) or a TLS one (peeking is not allowed)."""
    if sock is None or isinstance(sock, ssl.SSLSocket):
        return lambda: False

    def gone() -> bool:
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):  # closed under us
            return True

    return gone


@functions_framework.http
def stream(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=stream)."""
    return api(request)
