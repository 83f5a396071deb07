"""Bearer tokens found good are remembered per process, but never past their expiry."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from taskai.adapters import security
from taskai.adapters.security import TokenIssuer
from taskai.errors import Unauthorized


def issuer() -> TokenIssuer:
    return TokenIssuer(secret="s" * 40, issuer="taskai", audience="taskai-api", ttl_seconds=60)


def test_a_token_found_good_before_is_refused_once_it_expires(monkeypatch):
    tokens, user_id = issuer(), uuid.uuid4()
    token = tokens.issue(user_id, now=datetime.now(UTC), version=3)
    assert tokens.verify(token) == (user_id, 3)
    assert tokens.verify(token) == (user_id, 3)  # remembered
    later = time.time() + 60 + security.LEEWAY + 1
    monkeypatch.setattr(security.time, "time", lambda: later)
    with pytest.raises(Unauthorized, match="token expired"):
        tokens.verify(token)


def test_a_token_of_another_secret_is_refused_even_when_its_twin_was_good():
    tokens, user_id = issuer(), uuid.uuid4()
    now = datetime.now(UTC)
    assert tokens.verify(tokens.issue(user_id, now=now)) == (user_id, 0)
    other = TokenIssuer(secret="t" * 40, issuer="taskai", audience="taskai-api", ttl_seconds=60)
    with pytest.raises(Unauthorized, match="invalid token"):
        tokens.verify(other.issue(user_id, now=now))
