"""Serves the browser app (web/) with a strict Content-Security-Policy, for `taskai dev` and
`taskai serve` (which adds ETags and precompressed gzip/brotli through WhiteNoise).

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
        cache = "no-cache"  # revalidated each time: the app's files are not versioned by name
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
    """The app of web/ for `taskai dev` (reads each file per request), or None without web/."""
    root = web_dir()
    return StaticApp(root) if root else None


def compressed_web_app(cache: Path) -> Any:
    """The app of web/ for `taskai serve`, or None without web/: WhiteNoise serves a copy in
    `cache` with ETags (304 on If-None-Match) and .gz/.br siblings made once per change of
    web/; any other path falls through to StaticApp (SPA routes, JSON 404s)."""
    root = web_dir()
    if root is None:
        return None
    from whitenoise import WhiteNoise

    app = WhiteNoise(
        StaticApp(root),
        root=str(precompressed_copy(root, cache)),
        max_age=0,
        allow_all_origins=False,
        add_headers_function=_static_headers,
    )
    app.files["/"] = app.files["/index.html"]  # the app's address itself, with its ETag too
    return Revalidated(app)


class Revalidated:
    """WhiteNoise with HTTP's conditional-request rules (RFC 9110 §13.1.2, §12.5.3): a weak, a
    listed or a `*` If-None-Match is 304 as the exact ETag is; the ETag is weak, one per file
    whatever its content coding; a coding with q=0 is never sent; and an SPA route is index.html
    itself, with its ETag."""

    def __init__(self, app: Any) -> None:
        self.app, self.files = app, app.files

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        from werkzeug.http import parse_accept_header, parse_etags

        path = environ.get("PATH_INFO", "/")
        reading = environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        if reading and path not in self.files and "." not in path.rsplit("/", 1)[-1]:
            environ = {**environ, "PATH_INFO": "/"}  # an SPA route: the app's page
        static = self.files.get(environ.get("PATH_INFO", "/"))
        if static is not None:
            environ = dict(environ)
            accepted = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING", ""))
            environ["HTTP_ACCEPT_ENCODING"] = ", ".join(v for v, q in accepted if q > 0)
            asked = environ.pop("HTTP_IF_NONE_MATCH", None)
            if asked is not None:
                etags = parse_etags(asked)
                if etags.star_tag or etags.contains_weak(static.etag.strip('"')):
                    environ["HTTP_IF_NONE_MATCH"] = static.etag  # WhiteNoise's exact match

        def weak_etag(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            headers = [(k, f"W/{v}" if k == "ETag" else v) for k, v in headers]
            return start_response(status, headers, *rest)

        return self.app(environ, weak_etag)


def precompressed_copy(root: Path, cache: Path) -> Path:
    """`cache`/<stamp>: a copy of `root` with .gz and .br siblings, where the stamp names the
    files' paths, sizes and mtimes, so an unchanged web/ costs only a scan of its folder."""
    import hashlib
    import shutil

    files = sorted(p for p in root.rglob("*") if p.is_file())
    stamp = hashlib.sha256(
        "".join(
            f"{p.relative_to(root)}:{p.stat().st_size}:{p.stat().st_mtime_ns}\n" for p in files
        ).encode()
    ).hexdigest()[:16]
    target = cache / stamp
    if target.is_dir():
        return target
    from whitenoise.compress import Compressor

    building = cache / f".{stamp}.{os.getpid()}"
    shutil.copytree(root, building)
    compressor = Compressor(quiet=True)
    for path in (p for p in building.rglob("*") if p.is_file()):
        if compressor.should_compress(path.name):
            list(compressor.compress(str(path)))
    try:
        building.rename(target)  # atomic: a racing start finds it whole or not at all
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    for old in cache.iterdir():  # copies of earlier versions of web/
        if old.name != stamp and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return target


def _static_headers(headers: Any, path: str, url: str) -> None:
    # always revalidated (a 304 costs a round trip, no body): the app's files are not
    # versioned by name, so a cached module could outlive the page that imports it
    headers["Cache-Control"] = "no-cache"
    for name, value in SECURITY_HEADERS:
        headers[name] = value
