"""Event ingress: only the event sources may deliver (the shared secret, or Knative's OIDC
sender identity verified against the cluster's keys); nothing else gets an event read."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cloudevents.conversion import to_binary
from cryptography.hazmat.primitives.asymmetric import rsa
from test_event_functions import completed_event, occurrences
from werkzeug.test import Client

from taskai import bootstrap
from taskai.local.devserver import load_function

ISSUER = "https://kubernetes.default.svc.cluster.local"
AUDIENCE = "taskai-recurrence"
SENDER = "system:serviceaccount:taskai:oidc-kafkasource-recurrence"


def deliver(event, authorization: str | None = None) -> int:
    headers, body = to_binary(event)
    if authorization is not None:
        headers["Authorization"] = authorization
    return Client(load_function("recurrence")).post("/", headers=headers, data=body).status_code


def test_a_forged_event_without_a_credential_is_401_and_creates_nothing(alice):
    event = completed_event(alice)
    assert deliver(event) == 401
    assert deliver(event, "Bearer guessed-secret") == 401
    assert deliver(event, "Basic " + bootstrap.process_secret()) == 401
    assert occurrences(alice, event) == 1


def test_a_delivery_with_the_configured_shared_secret_is_handled(alice, monkeypatch):
    secret = "event-deliveries-shared-secret-0123456789"
    monkeypatch.setenv("EVENTS_TOKEN", secret)
    bootstrap.reset()
    event = completed_event(alice)
    assert deliver(event, "Bearer " + bootstrap.process_secret()) == 401
    assert deliver(event, f"Bearer {secret}") == 200
    assert occurrences(alice, event) == 2


def test_event_functions_are_not_behind_the_public_port(api, alice):
    event = completed_event(alice)
    headers, body = to_binary(event)
    headers.update(bootstrap.event_credential())
    for name in ("recurrence", "notifications", "outbox", "reminders", "deadletters"):
        assert api.post(f"/_events/{name}", data=body, headers=headers).status_code in (404, 405)
    assert occurrences(alice, event) == 1


@pytest.fixture
def cluster_keys() -> Iterator[tuple[rsa.RSAPrivateKey, str]]:
    """A signing key and a JWKS endpoint serving its public half, as the API server does."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "cluster", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_port}/openid/v1/jwks"
    server.shutdown()


@pytest.fixture
def oidc(cluster_keys, monkeypatch):
    key, url = cluster_keys
    monkeypatch.setenv("EVENTS_OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("EVENTS_OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("EVENTS_OIDC_JWKS_URL", url)
    monkeypatch.setenv("EVENTS_OIDC_SUBJECTS", SENDER)
    bootstrap.reset()
    return key


def sender_token(key, kid="cluster", **changes) -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": SENDER,
        "iat": now,
        "exp": now + timedelta(minutes=10),
    }
    claims.update(changes)
    return "Bearer " + jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_a_source_with_an_oidc_token_for_this_audience_is_admitted(alice, oidc):
    event = completed_event(alice)
    assert deliver(event, sender_token(oidc)) == 200
    assert occurrences(alice, event) == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "taskai-notifications"},
        {"iss": "https://evil.example"},
        {"exp": datetime.now(UTC) - timedelta(minutes=5)},
        {"sub": "system:serviceaccount:default:curious-pod"},
    ],
    ids=["other audience", "other issuer", "expired", "other sender"],
)
def test_an_oidc_token_for_anything_else_is_refused(alice, oidc, changes):
    event = completed_event(alice)
    assert deliver(event, sender_token(oidc, **changes)) == 401
    assert occurrences(alice, event) == 1


def test_an_oidc_token_signed_by_another_key_or_unsigned_is_refused(alice, oidc):
    event = completed_event(alice)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert deliver(event, sender_token(stranger)) == 401
    assert deliver(event, sender_token(stranger, kid="unknown")) == 401
    now = datetime.now(UTC)
    unsigned = jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": SENDER,
            "iat": now,
            "exp": now + timedelta(minutes=5),
        },
        None,
        algorithm="none",
    )
    assert deliver(event, f"Bearer {unsigned}") == 401
    assert occurrences(alice, event) == 1
