"""Web Push over HTTP (issue 17): payloads encrypted to the subscription (RFC 8291, aes128gcm)
and signed with the VAPID key (RFC 8292) by pywebpush and py-vapid, sent only to endpoints the
webhooks' SSRF rules allow. pywebpush and py-vapid are imported on the first push or key read,
not at import: most requests never need them."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Collection
from functools import cached_property
from typing import Any

from taskai.adapters.webhook_http import WebhookHttp
from taskai.config import ConfigurationError
from taskai.domain.push import PushSubscription, b64url
from taskai.errors import InvalidInput
from taskai.ports import PushAnswer

CLAIMS_LIFETIME_S = 12 * 3600  # RFC 8292 §2: exp at most 24 h ahead


def new_private_pem() -> str:
    """A new VAPID key (P-256) as PKCS#8 PEM text."""
    from py_vapid import Vapid02

    vapid = Vapid02()
    vapid.generate_keys()
    return str(vapid.private_pem().decode())


class WebPush:
    """The PushSender: SSRF checks, then one encrypted, VAPID-signed POST per push."""

    def __init__(
        self,
        *,
        private_key: Callable[[], str],
        subject: str,
        public_key: str | None = None,
        allow_hosts: Collection[str] = (),
        timeout_s: float = 2.5,
    ) -> None:
        self.private_key, self.subject, self.expected = private_key, subject, public_key
        self.gate = WebhookHttp(allow_hosts=allow_hosts, timeout_s=timeout_s)
        self.timeout_s = timeout_s

    @cached_property
    def vapid(self) -> Any:
        """The py-vapid key, read (or generated, embedded) on first use; ConfigurationError when
        VAPID_PRIVATE_KEY cannot be read or VAPID_PUBLIC_KEY is not its public key."""
        from py_vapid import Vapid02

        text = self.private_key().strip()
        try:
            if text.startswith("-----BEGIN"):
                vapid = Vapid02.from_pem(text.encode())
            else:
                vapid = Vapid02.from_string(text)
        except Exception as e:  # py-vapid raises several kinds for a bad key
            message = "VAPID_PRIVATE_KEY is not a P-256 key (PEM or base64url)"
            raise ConfigurationError(message) from e
        return vapid

    @cached_property
    def public_key(self) -> str:
        """The public key as base64url without padding: the browser's applicationServerKey."""
        from cryptography.hazmat.primitives import serialization
        from py_vapid.utils import b64urlencode

        point = self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        derived = str(b64urlencode(point))
        if self.expected and self.expected.rstrip("=") != derived:
            raise ConfigurationError("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY")
        return derived

    def check(self, endpoint: str) -> None:
        """Refuse an endpoint by the webhooks' URL and address rules (PUSH_ALLOW_HOSTS may be
        reached at any address, over http too); InvalidInput naming endpoint."""
        try:
            self.gate.check(endpoint)
        except InvalidInput as e:
            message = e.fields.get("url", e.message)
            raise InvalidInput(f"endpoint {message}", fields={"endpoint": message}) from e

    def check_key(self, p256dh: str) -> None:
        """Refuse a p256dh (base64url, shape checked) that is not a point on P-256: nothing
        could be encrypted to it; InvalidInput naming keys.p256dh."""
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url(p256dh) or b"")
        except ValueError as e:
            message = "must be a point on the P-256 curve"
            raise InvalidInput(f"keys.p256dh {message}", fields={"keys.p256dh": message}) from e

    def send(
        self, subscription: PushSubscription, payload: str, *, ttl_s: int, urgency: str, topic: str
    ) -> PushAnswer:
        """Encrypt `payload` to the subscription and POST it with TTL, Urgency and Topic (a newer
        push of one topic replaces one still queued); the answer, never raising."""
        import requests
        from pywebpush import WebPusher

        try:
            self.gate.address(subscription.endpoint)  # every address of its host checked now
        except InvalidInput as e:
            return PushAnswer(0, f"refused: {e.fields.get('url', e.message)}")
        parts = urllib.parse.urlsplit(subscription.endpoint)
        claims = {
            "sub": self.subject,
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(time.time()) + CLAIMS_LIFETIME_S,
        }
        headers = {**self.vapid.sign(claims), "Urgency": urgency, "Topic": topic}
        try:
            response = WebPusher(subscription.info()).send(
                payload, headers, ttl=ttl_s, content_encoding="aes128gcm", timeout=self.timeout_s
            )
        except requests.Timeout:
            return PushAnswer(0, f"no answer within {self.timeout_s:g} s")
        except (requests.RequestException, OSError, ValueError) as e:
            return PushAnswer(0, f"{type(e).__name__}: {e}"[:200])
        status = int(response.status_code)
        if 200 <= status < 300:
            return PushAnswer(status)
        return PushAnswer(status, f"HTTP {status}: {response.text[:150]}".strip())
