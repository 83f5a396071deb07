"""`taskai dev`: every function on one port, each loaded exactly as Knative would run it.

Event-fed functions are wired the way the cluster wires them: with Kafka configured, by
KafkaSource stand-ins that consume the topics and POST to the functions; without, by the
in-process bus. A ticker stands in for the PingSources. The event functions are never behind
the public port: the stand-ins reach them on a second, loopback-only port, and every delivery
carries the process's event credential.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from taskai.api.operations import OPERATIONS
from taskai.triggers import TRIGGERS

log = logging.getLogger("taskai.dev")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
HTTP_FUNCTIONS = sorted({op.function for op in OPERATIONS})
EVENT_PREFIX = "/_events/"
SOURCES_STOP_S = 8.0  # for all sources to leave their groups on shutdown (each takes ≤ 3 s)
NOT_FOUND_HEADERS = [
    ("Content-Type", "application/json"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
]


def functions_dir() -> Path:
    """Where the function folders are: $TASKAI_FUNCTIONS_DIR, ./functions, or beside the library."""
    candidates = [os.environ.get("TASKAI_FUNCTIONS_DIR"), "functions"]
    candidates.append(str(Path(__file__).resolve().parents[3] / "functions"))
    for candidate in filter(None, candidates):
        if (Path(candidate) / "tasks" / "main.py").is_file():
            return Path(candidate).resolve()
    raise FileNotFoundError(
        "no functions/ folder found; run from the repository or set TASKAI_FUNCTIONS_DIR"
    )


def load_function(name: str) -> WSGIApp:
    """The function's app as functions-framework builds it for Knative (target = folder name).

    functions-framework registers each source under its file stem ("main") and puts its folder
    on sys.path; that is harmless here because every function is one self-contained main.py
    (a test keeps it so), and each app keeps a reference to its own module object.
    """
    import functions_framework

    source = functions_dir() / name / "main.py"
    return functions_framework.create_app(target=name, source=str(source), signature_type="http")


class LazyApp:
    """A WSGI app built on its first request, or by warm(): a server answers before it has
    imported every function. One build at a time: functions-framework registers every source
    as the module "main" and sets module-level state while it loads one."""

    building = threading.Lock()

    def __init__(self, build: Callable[[], WSGIApp]) -> None:
        self.build = build
        self.app: WSGIApp | None = None

    def warm(self) -> WSGIApp:
        """The app, built now if it was not yet (raises whatever building it raises)."""
        if self.app is None:
            with LazyApp.building:
                if self.app is None:
                    self.app = self.build()
        return self.app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return (self.app or self.warm())(environ, start_response)


class Router:
    """Sends each request to the function that owns its path, like the public gateway does."""

    def __init__(
        self,
        http: Mapping[str, WSGIApp],
        events: Mapping[str, WSGIApp],
        static: WSGIApp | None = None,
    ) -> None:
        self.http, self.events, self.static = http, events, static
        self.prefixes = sorted(
            {("/".join(op.path.split("/")[:3]), op.function) for op in OPERATIONS},
            key=lambda pair: -len(pair[0]),
        )

    def owner(self, path: str) -> WSGIApp | None:
        """The WSGI app serving `path`: the function owning its /api prefix, the static web app,
        or None (404)."""
        if path in ("/api/openapi.json", "/health", "/ready"):
            return self.http["tasks"]
        for prefix, function in self.prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                return self.http.get(function)
        return None if path == "/api" or path.startswith("/api/") else self.static

    def warm(self) -> None:
        """Build every app not built yet, now (in a background thread of a fresh server: the
        first request to a function then finds it loaded); an app that fails is logged."""
        for app in (*self.http.values(), *self.events.values(), self.static):
            if isinstance(app, LazyApp):
                try:
                    app.warm()
                except Exception:  # its requests will raise it again, each as a 500
                    log.exception("a function failed to load")

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        app = self.owner(environ.get("PATH_INFO", "/"))
        if app is not None:
            return app(environ, start_response)
        start_response("404 Not Found", NOT_FOUND_HEADERS)
        return [b'{"error":{"code":"not_found","message":"no such path"}}']


class EventRouter:
    """The event functions under /_events/<name>, for the KafkaSource stand-ins only, and the
    process's Prometheus metrics at /metrics: this port is loopback-only, never the public one."""

    def __init__(self, events: Mapping[str, WSGIApp]) -> None:
        self.events = events

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path == "/metrics":  # every function of this process shares one registry
            from taskai.telemetry.metrics import exposition

            text, content_type = exposition()
            start_response("200 OK", [("Content-Type", content_type)])
            return [text]
        app = None
        if path.startswith(EVENT_PREFIX):
            app = self.events.get(path[len(EVENT_PREFIX) :].split("/")[0])
        if app is not None:
            return app(environ, start_response)
        start_response("404 Not Found", NOT_FOUND_HEADERS)
        return [b'{"error":{"code":"not_found","message":"no such path"}}']


def build_app(*, web_cache: bool = False) -> Router:
    """Every function behind one router (event functions under /_events/<name>), each loaded
    on its first request or by Router.warm(); with `web_cache`, the web app is served
    precompressed from $DATA_DIR/web-cache, with ETags."""
    from taskai.web import web_dir

    http = {name: LazyApp(partial(load_function, name)) for name in HTTP_FUNCTIONS}
    events = {t.function: LazyApp(partial(load_function, t.function)) for t in TRIGGERS}
    static = LazyApp(partial(static_app, web_cache=web_cache)) if web_dir() else None
    return Router(http, events, static=static)


def static_app(*, web_cache: bool) -> WSGIApp:
    """The web app's files: precompressed in $DATA_DIR/web-cache, with ETags (`web_cache`), or
    read per request; raises FileNotFoundError without a web/ folder."""
    from taskai.config import get_settings
    from taskai.web import compressed_web_app, web_app

    app = compressed_web_app(get_settings().data_dir / "web-cache") if web_cache else web_app()
    if app is None:
        raise FileNotFoundError("no web/ folder found")
    return app


def in_process(app: WSGIApp) -> Callable[[dict[str, str], bytes], int]:
    """Deliver a binary-mode CloudEvent to an app without a network hop."""
    from werkzeug.test import Client

    from taskai import bootstrap

    client = Client(app)

    def deliver(headers: dict[str, str], body: bytes) -> int:
        headers = {**headers, **bootstrap.event_credential()}
        return int(client.post("/", headers=headers, data=body).status_code)

    return deliver


def wire_events(
    router: Router, *, port: int | None, tick_s: float, group_prefix: str = ""
) -> list[Any]:
    """Connect event functions to their triggers; returns what to stop on shutdown. `port` is
    the loopback port of the EventRouter (needed only with Kafka)."""
    from taskai import bootstrap

    subscribe_to_bus(router)
    running = start_sources(router, port=port, tick_s=tick_s, group_prefix=group_prefix)
    bootstrap.relay().kick()  # publish whatever waited in the outbox while we were down
    return running


def subscribe_to_bus(router: Router) -> None:
    """Without Kafka, subscribe the event functions to this process's in-process bus (every
    process that commits needs this: its relay publishes to its own bus)."""
    from taskai import bootstrap
    from taskai.config import get_settings

    if get_settings().kafka_bootstrap_servers:
        return
    for trigger in TRIGGERS:
        if trigger.topic is not None:
            bootstrap.bus().subscribe(
                trigger.topic, trigger.function, router.events[trigger.function]
            )


def start_sources(
    router: Router, *, port: int | None, tick_s: float, group_prefix: str = ""
) -> list[Any]:
    """Start the PingSource ticker and, with Kafka, one KafkaSource stand-in per topic (one
    process of a server runs these); returns them, to stop on shutdown."""
    from taskai import bootstrap
    from taskai.config import get_settings
    from taskai.local.ping import Ticker
    from taskai.triggers import DEAD_LETTER_SINK

    running: list[Any] = []
    servers = get_settings().kafka_bootstrap_servers
    for trigger in TRIGGERS:
        if trigger.topic is None or not servers:
            continue
        from taskai.local.kafka_source import KafkaSourceBridge

        bridge = KafkaSourceBridge(
            bootstrap_servers=servers,
            topic=trigger.topic,
            group=group_prefix + trigger.function,
            sink=f"http://127.0.0.1:{port}{EVENT_PREFIX}{trigger.function}",
            dead_letter_topic=trigger.dead_letter_topic,  # if the sink fails too
            dead_letter_sink=f"http://127.0.0.1:{port}{EVENT_PREFIX}{DEAD_LETTER_SINK}",
            parallelism=trigger.parallelism,
            credential=bootstrap.event_credential(),
        )
        bridge.start()
        running.append(bridge)
    pinged = {t.function: in_process(router.events[t.function]) for t in TRIGGERS if t.every_s}
    ticker = Ticker(pinged, period_s=tick_s)
    ticker.start()
    running.append(ticker)
    return running


def stop_sources(running: list[Any], timeout_s: float = SOURCES_STOP_S) -> None:
    """Stop what start_sources() started, then wait up to `timeout_s` in all for the Kafka
    sources to finish their deliveries, commit and leave their groups (a restart then gets the
    partitions at once, not after a session timeout); a source still running is logged."""
    for item in running:
        item.stop()
    deadline = time.monotonic() + timeout_s
    for item in running:
        if hasattr(item, "join") and not item.join(max(0.0, deadline - time.monotonic())):
            log.warning("source did not stop in time", extra={"group": item.group})


def interrupt(signum: int, frame: Any) -> None:
    """A SIGTERM handler: stop like Ctrl-C does (raises KeyboardInterrupt)."""
    raise KeyboardInterrupt


def serve(
    host: str, port: int, *, events_port: int = 0, tick_s: float = 60.0, group_prefix: str = ""
) -> None:
    """Serve the API on host:port and the event functions on 127.0.0.1:events_port until
    interrupted."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from taskai.api.worker import error_message

    class JsonErrors(WSGIRequestHandler):
        """http.server's own errors (400, 414, 431, 505) in the API's JSON, not HTML."""

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            reason = self.responses.get(code, ("Error",))[0]
            self.close_connection = True
            self.wfile.write(error_message(code, reason, message or reason))

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # taskai.http logs each request
    router = build_app()
    threading.Thread(target=router.warm, name="warm-up", daemon=True).start()
    server = make_server(host, port, router, threaded=True, request_handler=JsonErrors)
    events = make_server(
        "127.0.0.1",
        events_port,
        EventRouter(router.events),
        threaded=True,
        request_handler=JsonErrors,
    )
    threading.Thread(target=events.serve_forever, name="event-port", daemon=True).start()
    running = wire_events(router, port=events.server_port, tick_s=tick_s, group_prefix=group_prefix)
    log.info(
        "serving",
        extra={
            "url": f"http://{host}:{server.server_port}",
            "events_url": f"http://127.0.0.1:{events.server_port}{EVENT_PREFIX}",
            "functions": HTTP_FUNCTIONS + [t.function for t in TRIGGERS],
        },
    )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop_sources(running)  # deliveries under way still reach the event port
        events.shutdown()
        events.server_close()
        server.server_close()
