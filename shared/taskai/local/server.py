"""`taskai serve`: the embedded mode as a production server — the same functions and web app as
`taskai dev`, under gunicorn.

Workers and threads: one worker per usable core (Python runs one thread at a time per process,
so a process per core is what uses the machine), 8 threads each (a thread waiting on the
database, a lock, bcrypt or the network leaves the core to another), plus one per live stream it
may hold (STREAM_MAX_PER_PROCESS): a stream keeps its thread for up to a minute, mostly asleep,
and must never take the threads the other requests need. The master loads only what the first
answer needs — the function answering /health, and the web app — and forks; each worker loads
the other functions in a background thread once it has answered its first request (or after
WARM_AFTER_S, or on their own first request), so that answer waits on nothing else. The master
reserves the public port and the loopback event port; each worker listens on both with
SO_REUSEPORT, so the kernel spreads connections over the workers; a request is routed by the
port it arrived on, never by its Host header. Every worker subscribes its event functions to its
own in-process bus (its relay publishes there); one worker at a time — the holder of an flock —
runs the PingSource ticker and, with Kafka, the KafkaSource stand-ins.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from taskai.local.devserver import (
    EVENT_PREFIX,
    HTTP_FUNCTIONS,
    EventRouter,
    LazyApp,
    Router,
    build_app,
    start_sources,
    stop_sources,
    subscribe_to_bus,
)

log = logging.getLogger("taskai.serve")
THREADS_PER_WORKER = 8
WARM_AFTER_S = 1.0  # a worker not asked anything by then loads its functions anyway


def threads_per_worker() -> int:
    """Threads each worker runs: THREADS_PER_WORKER for requests, and one per live stream."""
    from taskai.config import get_settings

    return THREADS_PER_WORKER + get_settings().stream_max_per_process


def worker_count() -> int:
    """Workers for this machine: one per core this process may run on (at least 1)."""
    return max(1, len(os.sched_getaffinity(0)))


def warm_database() -> None:
    """Load what a request's first unit of work needs: SQLAlchemy, the mapping, the engine and
    a pooled connection (a failure is logged; the request will meet it again)."""
    from taskai import bootstrap

    try:
        bootstrap.session_factory()
        bootstrap.engine().connect().close()
    except Exception:
        log.exception("the database could not be reached")


class PortRouter:
    """The public Router, or the loopback EventRouter for requests to the event port."""

    def __init__(self, public: Router, events_port: int) -> None:
        self.public, self.events = public, EventRouter(public.events)
        self.events_port = events_port

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        if sock is not None and sock.getsockname()[1] == self.events_port:
            return self.events(environ, start_response)
        return self.public(environ, start_response)


def reserve(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0: a free one, chosen now) with SO_REUSEPORT that never
    listens: it holds the port while each worker listens on it with a socket of its own.
    Raises OSError when the port is taken."""
    reserved = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    reserved.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    reserved.bind((host, port))
    return reserved


class Server(BaseApplication):
    """gunicorn, configured in code: binds, workers, hooks."""

    def __init__(
        self, host: str, port: int, events_port: int, tick_s: float, group_prefix: str
    ) -> None:
        # Each worker listens on the ports with SO_REUSEPORT (gunicorn's reuse_port), so the
        # kernel spreads new connections evenly over them: with one shared socket, the worker
        # that happened to be idle took them (16 keep-alive clients went 16/0 or 4/12), and
        # the other core stood idle. The master binds the ports first, so that port 0 is one
        # port for every worker and the hooks know it; only listening sockets get connections.
        self.reserved = [reserve(host, port), reserve("127.0.0.1", events_port)]
        public, events = (s.getsockname()[1] for s in self.reserved)
        self.binds = [f"{host}:{public}", f"127.0.0.1:{events}"]
        self.tick_s, self.group_prefix = tick_s, group_prefix
        self.app: PortRouter | None = None
        self.leader_lock = Path(tempfile.gettempdir()) / f"taskai-serve-{os.getpid()}.lock"
        # Every worker's counts in one /metrics: prometheus-client's multiprocess mode, which
        # reads this before its first import (so before the app is loaded and forked)
        self.metrics_dir = tempfile.mkdtemp(prefix="taskai-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir
        self.running: list[Any] = []
        super().__init__()

    def load_config(self) -> None:
        """Gunicorn's settings: gthread workers (one per core, threads_per_worker() threads,
        reads bounded by taskai.api.worker), the app preloaded in the master, and this server's
        hooks."""
        options = {
            "bind": self.binds,
            "workers": worker_count(),
            "worker_class": "taskai.api.worker.ThreadWorker",
            "threads": threads_per_worker(),
            "preload_app": True,
            "reuse_port": True,
            "timeout": 60,
            "graceful_timeout": 10,
            "control_socket_disable": True,  # one per user by default: two servers would clash
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
            "post_worker_init": self.post_worker_init,
            "post_request": self.post_request,
            "worker_exit": self.worker_exit,
            "child_exit": self.child_exit,
            "on_exit": self.on_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> PortRouter:
        """The WSGI app every worker forks with: API and web on the public port, events on the
        loopback one."""
        from taskai import bootstrap

        bootstrap.process_secret()  # made before the fork: every worker admits the same senders
        router = build_app(web_cache=True)
        for app in (router.owner("/health"), router.static):  # shared by the forked workers
            if isinstance(app, LazyApp):
                app.warm()  # the web app's first load compresses it: once, here
        self.app = PortRouter(router, events_port=self.reserved[1].getsockname()[1])
        # What the master loaded lives as long as the workers: their collections skip it, and
        # its memory pages stay shared with the master instead of being touched and copied
        gc.freeze()
        gc.enable()  # off while loading (serve()): loading allocates much and frees little
        return self.app

    def post_worker_init(self, worker: Any) -> None:
        """Gunicorn hook in each new worker, listening by now: its in-process bus, and a turn to
        lead the sources; the first worker logs where TaskAI is served."""
        assert self.app is not None
        # Ctrl-C signals the whole process group: the master stops the workers (SIGQUIT), and a
        # worker that also acted on the SIGINT entered its thread pool's shutdown twice and hung
        # on the pool's lock until gunicorn killed it 10 s later
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if worker.age == 1:  # the master does not listen: a worker answers, once it is up
            public, events = (reserved.getsockname() for reserved in self.reserved)
            log.info(
                "serving",
                extra={
                    "url": f"http://{public[0]}:{public[1]}",
                    "events_url": f"http://127.0.0.1:{events[1]}{EVENT_PREFIX}",
                    "workers": self.cfg.workers,
                    "threads": threads_per_worker(),
                    "functions": HTTP_FUNCTIONS + sorted(self.app.public.events),
                },
            )
        subscribe_to_bus(self.app.public)
        worker.taskai_answered = threading.Event()
        threading.Thread(
            target=self.settle, args=(worker.taskai_answered,), name="warm-up", daemon=True
        ).start()

    def post_request(self, worker: Any, req: Any, environ: Any, resp: Any) -> None:
        """Gunicorn hook after each request in a worker: it has answered (see settle)."""
        worker.taskai_answered.set()

    def settle(self, answered: threading.Event) -> None:
        """In a worker's background thread: once it has answered a first request (or after
        WARM_AFTER_S), load the functions and web app not loaded yet, then take a turn to lead
        the sources; so that first answer never shares the worker with those imports."""
        answered.wait(WARM_AFTER_S)
        assert self.app is not None
        warm_database()  # first what the next request most likely needs, so it waits on less
        self.app.public.warm()
        # A full collection over every loaded module's objects stalled the worker's requests
        # for 100-200 ms at a time (the search p99); frozen, they are never scanned again
        gc.freeze()
        self.lead()

    def lead(self) -> None:
        """Wait for the leader's flock (held until this worker exits), then run the sources."""
        import fcntl

        from taskai import bootstrap

        handle = os.open(self.leader_lock, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel when this process ends
        assert self.app is not None
        bootstrap.relay().kick()  # publish whatever waited in the outbox while we were down
        self.running = start_sources(
            self.app.public,
            port=self.app.events_port,
            tick_s=self.tick_s,
            group_prefix=self.group_prefix,
        )

    def worker_exit(self, arbiter: Any, worker: Any) -> None:
        """Gunicorn hook as a worker ends: end its live streams (one left open kept the process
        and its connections to the stream's lifetime), stop the ticker and sources it led (they
        leave their groups), then publish what its commits left in the outbox and finish its
        webhook attempts (a relay still running as the interpreter exited lost its webhook
        attempts to the 2-minute retry, and they arrived after the task's later events)."""
        from taskai import bootstrap
        from taskai.services.live import WAKEUP

        WAKEUP.close()
        stop_sources(self.running)
        bootstrap.drain()

    def child_exit(self, arbiter: Any, worker: Any) -> None:
        """Gunicorn hook in the master as a worker is gone: its live gauges leave the metrics."""
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

    def on_exit(self, arbiter: Any) -> None:
        """Gunicorn hook as the master ends: free the ports, remove the leader's lock file and
        the metrics'."""
        import shutil

        for reserved in self.reserved:
            reserved.close()
        self.leader_lock.unlink(missing_ok=True)
        shutil.rmtree(self.metrics_dir, ignore_errors=True)


def serve(
    host: str, port: int, *, events_port: int = 0, tick_s: float = 60.0, group_prefix: str = ""
) -> None:
    """Serve the API and web app on host:port and the event functions and metrics on
    127.0.0.1:events_port with gunicorn, until SIGINT or SIGTERM."""
    gc.disable()  # until the app is loaded (Server.load)
    Server(host, port, events_port, tick_s, group_prefix).run()
