"""`taskai dev`: every function on one port, each loaded exactly as Knative would run it."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from taskai.api.operations import OPERATIONS

log = logging.getLogger("taskai.dev")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
HTTP_FUNCTIONS = sorted({op.function for op in OPERATIONS})


def functions_dir() -> Path:
    """Where the function folders are: $TASKAI_FUNCTIONS_DIR, ./functions, or beside the library."""
    candidates = [os.environ.get("TASKAI_FUNCTIONS_DIR"), "functions"]
    candidates.append(str(Path(__file__).resolve().parents[2] / "functions"))
    for candidate in filter(None, candidates):
        if (Path(candidate) / "tasks" / "main.py").is_file():
            return Path(candidate).resolve()
    raise FileNotFoundError("no functions/ folder found; run from the repository or set TASKAI_FUNCTIONS_DIR")


def load_function(name: str, signature_type: str = "http") -> WSGIApp:
    """The function's app as functions-framework builds it for Knative (target = folder name).

    functions-framework registers each source under its file stem ("main") and puts its folder
    on sys.path; that is harmless here because every function is one self-contained main.py
    (a test keeps it so), and each app keeps a reference to its own module object.
    """
    import functions_framework

    source = functions_dir() / name / "main.py"
    return functions_framework.create_app(target=name, source=str(source), signature_type=signature_type)


class Router:
    """Sends each request to the function that owns its path, like the public gateway does."""

    def __init__(self, apps: dict[str, WSGIApp], static: WSGIApp | None = None) -> None:
        self.apps = apps
        self.static = static
        self.prefixes = sorted(
            {("/".join(op.path.split("/")[:3]), op.function) for op in OPERATIONS},
            key=lambda pair: -len(pair[0]),
        )

    def owner(self, path: str) -> str | None:
        if path == "/api/openapi.json" or path == "/health":
            return "tasks"
        for prefix, function in self.prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                return function
        return None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        function = self.owner(environ.get("PATH_INFO", "/"))
        if function is not None and function in self.apps:
            return self.apps[function](environ, start_response)
        if self.static is not None and not environ.get("PATH_INFO", "").startswith("/api/"):
            return self.static(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"error":{"code":"not_found","message":"no such path"}}']


def build_app() -> Router:
    """All HTTP functions behind one router."""
    return Router({name: load_function(name) for name in HTTP_FUNCTIONS})


def serve(host: str, port: int) -> None:
    """Serve until interrupted."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # taskai.http logs each request
    app = build_app()
    server = make_server(host, port, app, threaded=True)
    log.info("serving", extra={"url": f"http://{host}:{port}", "functions": HTTP_FUNCTIONS})
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
