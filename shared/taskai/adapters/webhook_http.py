"""Webhook deliveries over HTTP: signed per the Standard Webhooks specification with its
library, sent only to public addresses (SSRF), each resolved once and connected to as checked
(no DNS rebinding between the check and the connection), with a short timeout and no redirects.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from taskai.domain.webhooks import check_url
from taskai.errors import InvalidInput
from taskai.ports import WebhookAnswer

CONTENT_TYPE = "application/cloudevents+json"
USER_AGENT = "TaskAI-Webhooks/1"
Resolve = Callable[[str, int], list[str]]


def as_json(event: Any) -> str:
    """A CloudEvent (the SDK's) in structured mode: the JSON a webhook receives and is signed."""
    from cloudevents.conversion import to_structured

    _headers, body = to_structured(event)
    return body.decode() if isinstance(body, bytes) else str(body)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6); raises OSError when it does not."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def forbidden(address: str) -> str | None:
    """Why a delivery may not go to this address (private, loopback, link-local, multicast,
    reserved, unspecified, also inside an IPv4-mapped or 6to4 IPv6 address), else None."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return forbidden(str(inner))
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            article = "an" if kind == "unspecified" else "a"
            return f"{address} is {article} {kind.replace('_', '-')} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


class WebhookHttp:
    """The WebhookSender: SSRF checks, Standard Webhooks signatures, one POST per attempt."""

    def __init__(
        self,
        *,
        allow_hosts: Collection[str] = (),
        allow_private: bool = False,
        timeout_s: float = 5.0,
        resolver: Resolve = resolve,
    ) -> None:
        self.allow_hosts = {h.lower() for h in allow_hosts}
        self.allow_private, self.timeout_s, self.resolver = allow_private, timeout_s, resolver

    def check(self, url: str) -> None:
        """Refuse a URL against the rules of webhook URLs or whose host resolves to a forbidden
        address (an allowed host is not resolved: it may be at any address); InvalidInput
        naming url."""
        check_url(url, plain_http_hosts=self.allow_hosts)
        if not self.allowed(url):
            self.address(url)

    def allowed(self, url: str) -> bool:
        """Whether the URL's host may be at any address (WEBHOOK_ALLOW_HOSTS or _PRIVATE)."""
        return self.allow_private or (urllib.parse.urlsplit(url).hostname or "") in self.allow_hosts

    def address(self, url: str) -> str:
        """The one address to connect to for `url`, every address of its host checked; raises
        InvalidInput naming url."""
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as e:
            raise _refused(f"has a host, {host}, that does not resolve") from e
        if not addresses:
            raise _refused(f"has a host, {host}, that does not resolve")
        if not self.allowed(url):
            for address in addresses:
                reason = forbidden(address)
                if reason is not None:
                    raise _refused(f"must reach a public address ({reason})")
        return addresses[0]

    def send(
        self, *, url: str, secret: str, message_id: str, body: str, now: datetime
    ) -> WebhookAnswer:
        """POST the signed body; the status (0 when no answer came) and the error, never
        raising. A redirect is an answer like any other: not followed."""
        from standardwebhooks import Webhook as Signer

        try:
            address = self.address(url)
        except InvalidInput as e:
            return WebhookAnswer(0, f"refused: {e.fields.get('url', e.message)}")
        headers = {
            "Content-Type": CONTENT_TYPE,
            "User-Agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Signer(secret).sign(message_id, now, body),
        }
        parts = urllib.parse.urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = _pinned(parts, address, self.timeout_s)
        try:
            connection.request("POST", path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read(1024)  # the answer's body is not kept
            status = int(response.status)
        except TimeoutError:
            return WebhookAnswer(0, f"no answer within {self.timeout_s:g} s")
        except (OSError, http.client.HTTPException, UnicodeError) as e:
            return WebhookAnswer(0, f"{type(e).__name__}: {e}"[:200])
        finally:
            connection.close()
        return WebhookAnswer(status, None if 200 <= status < 300 else f"HTTP {status}")


def _refused(message: str) -> InvalidInput:
    return InvalidInput(f"url {message}", fields={"url": message})


def _pinned(parts: urllib.parse.SplitResult, address: str, timeout_s: float) -> Any:
    """A connection to `address` that still names the URL's host (Host header, TLS SNI and
    certificate check), so the address checked is the one connected to."""
    host = parts.hostname or ""
    if parts.scheme == "https":
        return _PinnedHttps(host, parts.port or 443, address, timeout_s)
    return _PinnedHttp(host, parts.port or 80, address, timeout_s)


class _PinnedHttp(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout_s: float) -> None:
        super().__init__(host, port, timeout=timeout_s)
        self.address = address

    def connect(self) -> None:
        """Connect to the checked address, not to whatever the host resolves to now."""
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHttps(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout_s: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout_s, context=self.tls)
        self.address = address

    def connect(self) -> None:
        """Connect to the checked address; TLS still verifies the certificate for the host."""
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
