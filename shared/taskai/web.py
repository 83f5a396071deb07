"""Serves the browser app (web/) with a strict Content-Security-Policy, for `taskai dev`.

In a cluster the same folder is served by any static host on the API's origin.
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
]


def web_dir() -> Path | None:
    """The app's folder: $TASKAI_WEB_DIR, ./web, or beside the library; None when absent."""
    for candidate in (
        os.environ.get("TASKAI_WEB_DIR"),
        "web",
        str(Path(__file__).resolve().parents[2] / "web"),
    ):
        if candidate and (Path(candidate) / "index.html").is_file():
            return Path(candidate).resolve()
    return None


class StaticApp:
    """Files under `root`; any other path without a file extension gets index.html (SPA routes)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return error(start_response, "405 Method Not Allowed", "method_not_allowed",
                         "only GET and HEAD", [("Allow", "GET, HEAD")])  # fmt: skip
        path = environ.get("PATH_INFO", "/")
        if "\x00" in path:  # no file has a NUL in its name, and resolve() would raise
            return error(start_response, "404 Not Found", "not_found", "no such file")
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            if "." in path.rsplit("/", 1)[-1]:
                return error(start_response, "404 Not Found", "not_found", "no such file")
            target = self.root / "index.html"
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        cache = "no-cache" if target.name == "index.html" else "public, max-age=300"
        headers = [
            ("Content-Type", kind),
            ("Content-Length", str(len(body))),
            ("Cache-Control", cache),
            *SECURITY_HEADERS,
        ]
        start_response("200 OK", headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


def error(
    start_response: Callable[..., Any],
    status: str,
    code: str,
    message: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    """The API's JSON error body, on the web app's paths too."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(status, [*headers, ("Cache-Control", "no-store"), *(extra or []),
                            *SECURITY_HEADERS])  # fmt: skip
    return [body]


def web_app() -> StaticApp | None:
    """The WSGI app serving the built web app's files, or None when no build is found."""
    root = web_dir()
    return StaticApp(root) if root else None
