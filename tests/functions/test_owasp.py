"""OWASP API Top 10 cases: another user's ids, mass assignment, and every wrong token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from taskai.api.operations import OPERATIONS
from taskai.config import get_settings

ID = re.compile(r"<uuid:(\w+)>")
BY_ID = [op for op in OPERATIONS if ID.search(op.path)]
BODIES = {
    "updateTask": {"title": "taken over"},
    "updateTag": {"name": "taken-over"},
    "updateFilter": {"name": "taken-over"},  # saved filters (issue 16)
    "updateProject": {"name": "taken over"},
    "createSection": {"name": "planted"},
    "updateSection": {"name": "taken over"},
    "moveTask": {},  # subtasks and manual order (#16)
    "updateWebhook": {"enabled": False},  # webhooks (issue 17)
}


def owned(user):
    """One object of each kind the id-taking paths name, with a recurring task for series."""
    task = user.post(
        "/api/tasks",
        {"title": "Mine", "due_date": "2031-01-01T09:00:00Z", "recurrence": {"preset": "daily"}},
    ).json
    tag = user.post("/api/tags", {"name": "mine"}).json
    token = user.post("/api/tokens", {"name": "mine", "scopes": ["tasks:read"]}).json
    saved = user.post("/api/filters", {"name": "mine", "query": "today"}).json
    project = user.post("/api/projects", {"name": "Mine"}).json
    section = user.post(f"/api/projects/{project['id']}/sections", {"name": "mine"}).json
    # a public address needs no DNS; the one type wanted never happens here, so nothing is sent
    hook = {"url": "https://93.184.215.14/hook", "event_types": ["com.taskai.filter.deleted"]}
    webhook = user.post("/api/webhooks", hook).json
    subscription = push_subscription(user)  # Web Push (issue 17)
    return {
        "task_id": task["id"],
        "tag_id": tag["id"],
        "token_id": token["id"],
        "filter_id": saved["id"],
        "project_id": project["id"],
        "section_id": section["id"],
        "webhook_id": webhook["id"],
        "subscription_id": str(subscription.id),
    }


def push_subscription(user):
    """A browser push subscription of `user`'s, made in the store (push may be off here)."""
    import uuid

    from taskai import bootstrap
    from taskai.domain.push import PushSubscription

    made = PushSubscription(
        user_id=uuid.UUID(user.get("/api/auth/me").json["id"]),
        endpoint="https://93.184.215.14/push/mine",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        created_at=datetime.now(UTC),
    )
    with bootstrap.uow() as uow:
        uow.push_subscriptions.add(made)
        uow.commit()
    return made


@pytest.mark.parametrize("op", BY_ID, ids=[op.id for op in BY_ID])
def test_another_users_id_is_404_and_changes_nothing(alice, bob, op):
    ids = owned(alice)
    before = alice.get("/api/sync").json
    path = ID.sub(lambda m: ids[m.group(1)], op.path)
    response = bob.call(op.method, path, json=BODIES.get(op.id))
    assert response.status_code == 404, (op.id, response.json)
    after = alice.get("/api/sync").json
    assert after["tasks"] == before["tasks"] and after["tags"] == before["tags"]
    assert after["filters"] == before["filters"]
    assert after["cursor"] == before["cursor"]  # no change at all was recorded


MASS_ASSIGNMENT = [
    ("POST", "/api/tasks", {"title": "x", "id": "00000000-0000-0000-0000-000000000001"}),
    ("POST", "/api/tasks", {"title": "x", "user_id": "00000000-0000-0000-0000-000000000001"}),
    ("POST", "/api/tasks", {"title": "x", "series_id": "00000000-0000-0000-0000-000000000001"}),
    ("POST", "/api/tasks", {"title": "x", "occurrence": 7}),
    ("POST", "/api/tasks", {"title": "x", "created_at": "2001-01-01T00:00:00Z"}),
    ("POST", "/api/tasks", {"title": "x", "change_seq": 1}),
    ("POST", "/api/tasks", {"title": "x", "completed_at": "2001-01-01T00:00:00Z"}),
    ("POST", "/api/tasks", {"title": "x", "status": "archived"}),
    ("PATCH", "/api/tasks/{task}", {"user_id": "00000000-0000-0000-0000-000000000001"}),
    ("PATCH", "/api/tasks/{task}", {"series_id": "00000000-0000-0000-0000-000000000001"}),
    ("PATCH", "/api/tasks/{task}", {"occurrence": 2}),
    ("PATCH", "/api/tasks/{task}", {"created_at": "2001-01-01T00:00:00Z"}),
    ("PATCH", "/api/tasks/{task}", {"skipped": True}),
    ("POST", "/api/tags", {"name": "x", "user_id": "00000000-0000-0000-0000-000000000001"}),
    ("PATCH", "/api/tags/{tag}", {"id": "00000000-0000-0000-0000-000000000001"}),
    ("PATCH", "/api/auth/me", {"is_admin": True}),
    ("PATCH", "/api/auth/me", {"email": "other@example.com"}),
    ("PATCH", "/api/auth/me", {"token_version": 0}),
    ("PATCH", "/api/auth/me", {"id": "00000000-0000-0000-0000-000000000001"}),
]


@pytest.mark.parametrize(("method", "path", "body"), MASS_ASSIGNMENT)
def test_fields_a_client_may_not_set_are_refused(alice, method, path, body):
    task = alice.post("/api/tasks", {"title": "t"}).json
    tag = alice.post("/api/tags", {"name": "t"}).json
    response = alice.call(method, path.format(task=task["id"], tag=tag["id"]), json=body)
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) & {*body, "status"}


@pytest.mark.parametrize("field", ["is_admin", "id", "token_version", "created_at"])
def test_registration_refuses_fields_the_server_sets(api, field):
    body = {"email": "new@example.com", "password": "brand new secret", field: True}
    response = api.post("/api/auth/register", body)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def claims(user_id, **changes):
    settings = get_settings()
    now = datetime.now(UTC)
    base = {
        "sub": user_id,
        "ver": 0,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    return {**base, **changes}


def hs256_with_empty_key(payload):
    """PyJWT will not sign with an empty key; an attacker's tool will."""
    part = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=")  # noqa: E731
    head = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = part(json.dumps(payload, default=lambda d: int(d.timestamp())).encode())
    signature = part(hmac.new(b"", head + b"." + body, hashlib.sha256).digest())
    return b".".join([head, body, signature]).decode()


def later(**delta):
    return datetime.now(UTC) + timedelta(**delta)


# Cases test_auth.py does not have yet (alg none, wrong iss/aud, expiry, tampering are there).
TOKENS = {
    "signed with HS512": lambda me, key: jwt.encode(claims(me), key, algorithm="HS512"),
    "signed with an empty key": lambda me, key: hs256_with_empty_key(claims(me)),
    "not valid before an hour from now": lambda me, key: jwt.encode(
        claims(me, nbf=later(hours=1)), key, algorithm="HS256"
    ),
    "issued an hour from now": lambda me, key: jwt.encode(
        claims(me, iat=later(hours=1)), key, algorithm="HS256"
    ),
    "without a subject": lambda me, key: jwt.encode(
        {k: v for k, v in claims(me).items() if k != "sub"}, key, algorithm="HS256"
    ),
    "with a subject that is no uuid": lambda me, key: jwt.encode(
        claims("../../etc/passwd"), key, algorithm="HS256"
    ),
    "with an empty signature": lambda me, key: jwt.encode(claims(me), key).rsplit(".", 1)[0] + ".",
}


def test_the_forge_makes_a_token_that_works(api, alice):
    me = alice.get("/api/auth/me").json["id"]
    token = jwt.encode(claims(me), get_settings().jwt_secret, algorithm="HS256")
    assert api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_a_wrong_token_is_401_everywhere(api, alice, kind):
    me = alice.get("/api/auth/me").json["id"]
    token = TOKENS[kind](me, get_settings().jwt_secret)
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/auth/me", "/api/tasks", "/api/tags", "/api/sync"):
        assert api.get(path, headers=headers).status_code == 401, (kind, path)
    assert api.post("/api/tags", {"name": "x"}, headers=headers).status_code == 401


def test_a_valid_token_of_a_deleted_account_is_401_everywhere(api, alice):
    token = alice.token
    assert alice.delete("/api/auth/me", json={"password": "correct horse"}).status_code == 204
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/auth/me", "/api/tasks", "/api/tags", "/api/sync"):
        assert api.get(path, headers=headers).status_code == 401, path
    assert api.post("/api/tags", {"name": "x"}, headers=headers).status_code == 401
    assert api.post("/api/tasks", {"title": "x"}, headers=headers).status_code == 401
