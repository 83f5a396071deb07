"""Who may deliver events: Knative's OIDC sender identity, or a shared secret.

On Knative with `authentication-oidc` enabled, every source (KafkaSource, PingSource, the
dead-letter delivery) presents a Kubernetes service-account token whose audience is the
sink's; it is checked here for issuer, audience, expiry and signature against the cluster's
keys (its JWKS). Where Kafka runs without Knative, the KafkaSource stand-in presents a shared
secret instead. Anything else is refused before the event is read.
"""

from __future__ import annotations

import hmac
import ssl
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from taskai.errors import Unauthorized

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
OIDC_ALGORITHMS = ["RS256", "ES256"]


@dataclass(frozen=True)
class OidcSenders:
    """Tokens of Knative Eventing's OIDC sender identity, verified against the cluster's keys."""

    issuer: str
    audience: str
    jwks_url: str
    subjects: tuple[str, ...] = ()  # when set, only these service accounts may send
    ca_file: Path | None = field(default=None)
    token_file: Path | None = field(default=None)  # read the JWKS as this service account

    @cached_property
    def keys(self) -> Any:
        """A PyJWKClient for `jwks_url` (cached per instance), reading with the service account
        token and CA if present."""
        from jwt import PyJWKClient

        headers = {}
        if self.token_file is not None and self.token_file.is_file():
            headers["Authorization"] = "Bearer " + self.token_file.read_text().strip()
        context = ssl.create_default_context(
            cafile=str(self.ca_file) if self.ca_file and self.ca_file.is_file() else None
        )
        return PyJWKClient(
            self.jwks_url, headers=headers, ssl_context=context, lifespan=300, timeout=5
        )

    def verify(self, token: str) -> str:
        """The sender (the token's subject); raises Unauthorized for any other token."""
        import jwt

        try:
            key = self.keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=OIDC_ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=5,
            )
        except jwt.PyJWTError as e:
            raise Unauthorized("event sender not verified") from e
        if self.subjects and claims["sub"] not in self.subjects:
            raise Unauthorized("event sender not allowed")
        return str(claims["sub"])


class EventIngress:
    """Admits an event delivery when it carries the shared secret or a verified OIDC token."""

    def __init__(self, *, shared_secret: str, oidc: OidcSenders | None = None) -> None:
        self.shared_secret, self.oidc = shared_secret, oidc

    def credential(self) -> dict[str, str]:
        """The header a delivery from inside this deployment carries (the shared secret)."""
        return {"Authorization": f"Bearer {self.shared_secret}"}

    def admit(self, authorization: str | None) -> str:
        """Who sent the delivery ("shared-secret" or the OIDC subject), or Unauthorized."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("event deliveries must carry a bearer credential")
        if hmac.compare_digest(token.encode(), self.shared_secret.encode()):
            return "shared-secret"
        if self.oidc is None:
            raise Unauthorized("event sender not verified")
        return self.oidc.verify(token)
