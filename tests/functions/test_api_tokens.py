"""Personal API tokens over HTTP, on both stores: shown once, scoped on every operation,
refused when revoked or expired, and never able to manage tokens."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from support import Api, settle
from taskai import bootstrap
from taskai.adapters import orm
from taskai.api.operations import OPERATIONS
from taskai.domain.api_tokens import MAX_TOKENS, SCOPES, SESSION

TOKENS = "/api/tokens"


def mint(user: Api, *scopes: str, **fields) -> tuple[dict, Api]:
    """Create a token of `user`'s with `scopes`: its answer, and a client that uses it."""
    response = user.post(TOKENS, {"name": "script", "scopes": list(scopes), **fields})
    assert response.status_code == 201, response.json
    return response.json, Api(user.client.application, response.json["token"])


def test_the_secret_is_shown_at_creation_and_never_again(alice):
    created, _ = mint(alice, "tasks:read", "tags:read")
    assert created["token"].startswith("tai_")
    assert created["scopes"] == ["tasks:read", "tags:read"]
    assert created["expires_at"] is None and created["last_used_at"] is None
    listed = alice.get(TOKENS)
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json["tokens"]] == [created["id"]]
    assert set(listed.json["tokens"][0]) == {
        "id", "name", "scopes", "expires_at", "last_used_at", "created_at"
    }  # fmt: skip
    assert created["token"][4:] not in listed.data.decode()


def test_a_token_works_as_a_bearer_token_within_its_scopes(alice):
    _, script = mint(alice, "tasks:read", "tasks:write")
    created = script.post("/api/tasks", {"title": "From a script"})
    assert created.status_code == 201
    assert [t["title"] for t in script.get("/api/tasks").json["items"]] == ["From a script"]
    refused = script.get("/api/tags")
    assert refused.status_code == 403
    assert refused.json["error"] == {
        "code": "insufficient_scope",
        "message": "this token lacks the scope tags:read",
    }
    assert refused.headers["WWW-Authenticate"] == (
        'Bearer realm="taskai", error="insufficient_scope", scope="tags:read"'
    )


def test_last_use_is_recorded_at_most_once_a_minute(alice):
    _, script = mint(alice, "account:read")
    settle()  # on SQLite a stamp waits at most 0.1 s for the writers (the relay, here)
    assert script.get("/api/auth/me").status_code == 200  # a read-only request
    first = alice.get(TOKENS).json["tokens"][0]["last_used_at"]
    assert first is not None
    assert script.get("/api/auth/me").status_code == 200
    assert alice.get(TOKENS).json["tokens"][0]["last_used_at"] == first


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_read_with_a_token_never_waits_for_sqlites_writers_to_record_its_use(api):
    # The stamp of last use is a write: it waited its turn behind every queued writer (0.3 to
    # 0.6 s behind a burst), where a read with a password session waited for none.
    import threading
    import time

    alice = api.as_new_user()
    _, script = mint(alice, "tasks:read")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with bootstrap.engine().begin():  # another writer holds the turn
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    try:
        started = time.monotonic()
        assert script.get("/api/tasks").status_code == 200
        assert time.monotonic() - started < 2  # not the writers' timeout (10 s)
    finally:
        release.set()
        holder.join()
    assert alice.get(TOKENS).json["tokens"][0]["last_used_at"] is None  # skipped, not waited
    assert script.get("/api/tasks").status_code == 200
    assert alice.get(TOKENS).json["tokens"][0]["last_used_at"] is not None  # the next use


def test_every_operation_needs_its_scope_from_a_token_and_a_session_has_all(alice):
    """Walks OPERATIONS, so an operation added later is covered (and must declare a scope)."""
    undeclared = [
        op.id for op in OPERATIONS if not op.public and op.scope not in (*SCOPES, SESSION)
    ]
    assert undeclared == [], "every operation but a public one declares the scope it needs"
    tokens = {
        scope: mint(alice, *[s for s in SCOPES if s != scope])[1] for scope in {*SCOPES, SESSION}
    }
    holders = {scope: mint(alice, scope)[1] for scope in SCOPES}
    checked = []
    for op in sorted(OPERATIONS, key=lambda op: op.id == "logout"):  # logout ends the session
        if op.public:
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", str(uuid.uuid4()), op.path)
        without = tokens[op.scope].call(op.method, path)
        assert without.status_code == 403, (op.id, without.json)
        assert without.json["error"]["code"] == "insufficient_scope"
        assert f'scope="{op.scope}"' in without.headers["WWW-Authenticate"]
        allowed = alice if op.scope == SESSION else holders[op.scope]
        answered = allowed.call(op.method, path)
        assert answered.status_code not in (401, 403), (op.id, answered.json)
        checked.append(op.id)
    assert len(checked) == sum(not op.public for op in OPERATIONS)


def test_a_token_cannot_manage_tokens(alice):
    created, script = mint(alice, *SCOPES)
    for response in (
        script.get(TOKENS),
        script.post(TOKENS, {"name": "more", "scopes": ["tasks:read"]}),
        script.delete(f"{TOKENS}/{created['id']}"),
    ):
        assert response.status_code == 403
        assert response.json["error"]["code"] == "insufficient_scope"
    assert len(alice.get(TOKENS).json["tokens"]) == 1


def test_a_revoked_token_is_401_and_revoking_one_leaves_the_others(alice):
    first, revoked = mint(alice, "tasks:read")
    _, kept = mint(alice, "tasks:read")
    assert alice.delete(f"{TOKENS}/{first['id']}").status_code == 204
    assert revoked.get("/api/tasks").status_code == 401
    assert revoked.post("/api/tasks", {"title": ""}).status_code == 401  # before the 422
    assert kept.get("/api/tasks").status_code == 200
    assert alice.delete(f"{TOKENS}/{first['id']}").status_code == 404


def test_an_expired_token_is_401(alice):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    created, script = mint(alice, "tasks:read", expires_at=tomorrow)
    assert script.get("/api/tasks").status_code == 200  # valid until it expires
    with bootstrap.uow() as uow:
        stmt = update(orm.api_tokens).where(orm.api_tokens.c.id == uuid.UUID(created["id"]))
        uow.session.execute(stmt.values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        uow.session.commit()
    response = script.get("/api/tasks")
    assert response.status_code == 401 and response.json["error"]["message"] == "token expired"


def test_a_forged_or_malformed_token_is_401(alice):
    created, _ = mint(alice, "tasks:read")
    forged = created["token"][:-4] + ("AAAA" if not created["token"].endswith("AAAA") else "BBBB")
    for token in (forged, "tai_", "tai_" + "z" * 60):
        response = alice.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


def test_another_users_token_id_is_not_found(alice, bob):
    created, script = mint(alice, "tasks:read")
    assert bob.delete(f"{TOKENS}/{created['id']}").status_code == 404
    assert bob.get(TOKENS).json["tokens"] == []
    assert script.get("/api/tasks").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": ["tasks:read"]}, "name"),
        ({"name": "x" * 101, "scopes": ["tasks:read"]}, "name"),
        ({"name": "ok", "scopes": []}, "scopes"),
        ({"name": "ok", "scopes": ["tasks:delete"]}, "scopes.0"),
        ({"name": "ok", "scopes": ["tasks:read"], "expires_at": "2020-01-01T00:00:00Z"},
         "expires_at"),
        ({"name": "ok", "scopes": ["tasks:read"], "expires_at": "2999-01-01T00:00:00Z"},
         "expires_at"),
        ({"name": "ok", "scopes": ["tasks:read"], "secret": "mine"}, "secret"),
    ],
)  # fmt: skip
def test_bad_input_is_422_naming_the_field(alice, body, field):
    response = alice.post(TOKENS, body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_an_expiry_without_an_offset_is_read_in_the_owners_zone(alice):
    moment = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    local = moment.astimezone(ZoneInfo("America/New_York"))
    created, _ = mint(alice, "tasks:read", expires_at=local.replace(tzinfo=None).isoformat())
    assert datetime.fromisoformat(created["expires_at"]) == moment


def test_an_account_holds_at_most_the_cap_of_tokens(alice):
    for _ in range(MAX_TOKENS):
        mint(alice, "tasks:read")
    response = alice.post(TOKENS, {"name": "one more", "scopes": ["tasks:read"]})
    assert response.status_code == 409


def test_logout_and_password_change_keep_tokens_and_deleting_the_account_ends_them(api, alice):
    _, script = mint(alice, "tasks:read")
    assert alice.post("/api/auth/logout").status_code == 204
    assert script.get("/api/tasks").status_code == 200
    session = api.post("/api/auth/login", {"email": alice.email, "password": "correct horse"})
    alice.token = session.json["access_token"]
    changed = alice.post(
        "/api/auth/password",
        {"current_password": "correct horse", "new_password": "a much longer passphrase 93"},
    )
    assert changed.status_code == 204
    assert script.get("/api/tasks").status_code == 200
    session = api.post(
        "/api/auth/login", {"email": alice.email, "password": "a much longer passphrase 93"}
    )
    alice.token = session.json["access_token"]
    deleted = alice.delete("/api/auth/me", json={"password": "a much longer passphrase 93"})
    assert deleted.status_code == 204
    assert script.get("/api/tasks").status_code == 401
    with bootstrap.uow() as uow:
        assert uow.session.query(orm.api_tokens).count() == 0
