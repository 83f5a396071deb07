"""A local Web Push service stand-in for tests: an HTTP server thread that, as a browser's push
service would, checks each push's VAPID JWT (RFC 8292: ES256 against the header's key, aud the
endpoint's origin, exp within 24 h, sub present), its Content-Encoding and TTL, decrypts the body
with the test subscription's private key (RFC 8291, http_ece) and records the plaintext; it
answers from a script of statuses (201 when none is left)."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

VAPID = re.compile(r"^vapid t=(?P<t>[^,\s]+),\s*k=(?P<k>[A-Za-z0-9_-]+)$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushServiceStandIn:
    """Push endpoints at http://127.0.0.1:<port>/push/<token>; `pushes` holds what arrived."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.statuses: list[int] = []  # answers to the next pushes, then 201
        self.status_of: dict[str, int] = {}  # an endpoint's own answer, whatever the order
        self.pushes: list[dict[str, Any]] = []  # token, status, headers, claims, payload, problems
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                token = self.path.rsplit("/", 1)[-1]
                record = service.check(token, headers, body)
                with service.lock:
                    status = service.statuses.pop(0) if service.statuses else 201
                    status = service.status_of.get(token, status)
                    if record["problems"]:
                        status = 400
                    service.pushes.append({**record, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def subscription(self) -> dict[str, Any]:
        """A new browser subscription's toJSON(): its endpoint here and its keys (the private
        half kept here to decrypt)."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        token = secrets.token_urlsafe(12)
        self.keys[token] = (private, auth)
        point = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{token}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(auth)},
        }

    def check(self, token: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        """What a push carries, and every way it breaks the protocol (none, if it is right)."""
        problems: list[str] = []
        claims: dict[str, Any] = {}
        found = VAPID.match(headers.get("authorization", ""))
        if found is None:
            problems.append(f"no vapid Authorization: {headers.get('authorization')!r}")
        else:
            claims = self.verify(found["t"], found["k"], problems)
        if headers.get("content-encoding") != "aes128gcm":
            problems.append(f"Content-Encoding {headers.get('content-encoding')!r}")
        if not headers.get("ttl", "").isdigit():
            problems.append(f"TTL {headers.get('ttl')!r}")
        payload = None
        if token not in self.keys:
            problems.append(f"unknown subscription {token}")
        else:
            private, auth = self.keys[token]
            try:
                text = http_ece.decrypt(body, private_key=private, auth_secret=auth)
                payload = json.loads(text)
            except Exception as e:  # a body that does not decrypt is the point of the check
                problems.append(f"body does not decrypt: {e!r}")
        return {
            "token": token,
            "headers": headers,
            "claims": claims,
            "payload": payload,
            "problems": problems,
        }

    def verify(self, token: str, key: str, problems: list[str]) -> dict[str, Any]:
        """The JWT's claims, checked: ES256 by `key`, aud this origin, exp within 24 h, sub."""
        try:
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
            claims = dict(
                jwt.decode(
                    token,
                    public,
                    algorithms=["ES256"],
                    audience=self.origin,
                    options={"require": ["exp", "aud", "sub"]},
                )
            )
        except (jwt.PyJWTError, ValueError) as e:
            problems.append(f"VAPID JWT refused: {e!r}")
            return {}
        if claims["exp"] > time.time() + 24 * 3600:
            problems.append("exp more than 24 h ahead")
        if not str(claims["sub"]).startswith(("mailto:", "https://")):
            problems.append(f"sub {claims['sub']!r}")
        return claims

    def delivered(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        """The decrypted payloads of the pushes answered 2xx (to `endpoint` only, if given)."""
        token = None if endpoint is None else endpoint.rsplit("/", 1)[-1]
        return [
            p["payload"]
            for p in self.pushes
            if 200 <= p["status"] < 300 and (token is None or p["token"] == token)
        ]

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
