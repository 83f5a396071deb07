"""The account lifecycle over HTTP: login throttling, password change and reset, logout,
deletion, password policy, and emails compared as people read them."""

from __future__ import annotations

import functools
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from support import settle
from taskai import bootstrap
from taskai.adapters.security import BcryptPasswords
from taskai.domain.login_guard import PER_ACCOUNT, PER_ADDRESS
from taskai.services import auth as service

LOGIN = "/api/auth/login"


def login(api, email, password="correct horse", address="198.51.100.7"):
    return api.post(
        LOGIN, {"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_repeated_wrong_passwords_lock_the_account_with_429_and_retry_after(api, alice):
    statuses = [login(api, alice.email, "wrong password").status_code for _ in range(8)]
    free = PER_ACCOUNT.free_failures
    assert statuses[: free + 1] == [401] * (free + 1)  # the free failures and the one that locks
    assert statuses[free + 1] == 429
    assert 429 in statuses
    locked = login(api, alice.email)  # even the right password waits
    assert locked.status_code == 429 and locked.json["error"]["code"] == "too_many_attempts"
    assert int(locked.headers["Retry-After"]) >= 1


def test_unknown_emails_are_throttled_like_known_ones(api):
    statuses = [login(api, "ghost@example.com", "wrong password").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429


def test_one_address_trying_many_accounts_is_throttled(api):
    statuses = [
        login(api, f"user{i}@example.com", "wrong password", address="203.0.113.9").status_code
        for i in range(PER_ADDRESS.free_failures + 2)
    ]
    assert statuses[-1] == 429
    assert (
        login(api, "user0@example.com", "wrong password", address="203.0.113.10").status_code == 401
    )


def test_the_delay_doubles_and_a_success_clears_the_count(alice):
    rounds = 4
    start = datetime(2031, 1, 1, tzinfo=UTC)
    for i in range(PER_ACCOUNT.free_failures):
        with pytest.raises(Exception, match="wrong email or password"):
            service.login(
                uow=bootstrap.uow(),
                tokens=bootstrap.tokens(),
                email=alice.email,
                password="nope nope",
                address="a",
                now=start + timedelta(seconds=i),
                passwords=BcryptPasswords(rounds=rounds),
            )
    assert PER_ACCOUNT.delay(5) == timedelta(0)  # 5 failures in a row are free
    assert PER_ACCOUNT.delay(6) == timedelta(seconds=1) and PER_ACCOUNT.delay(7) == timedelta(
        seconds=2
    )
    assert PER_ACCOUNT.delay(60) == PER_ACCOUNT.max_delay
    later = start + timedelta(minutes=5)
    session = service.login(
        uow=bootstrap.uow(),
        tokens=bootstrap.tokens(),
        email=alice.email,
        password="correct horse",
        address="a",
        now=later,
        passwords=BcryptPasswords(rounds=rounds),
    )
    assert session.user.email == alice.email
    with bootstrap.uow() as uow:
        assert uow.users.attempts.locked_until([f"account:{session.user.email_key}"], later) is None


@pytest.mark.parametrize("password", ["12345678", "password1", "qwertyuiop", "aaaaaaaaaa"])
def test_common_passwords_are_refused_at_registration(api, password):
    response = api.post("/api/auth/register", {"email": "new@example.com", "password": password})
    assert response.status_code == 422 and "password" in response.json["error"]["fields"]


def test_a_password_change_needs_the_current_one_and_ends_earlier_tokens(api, alice):
    wrong = alice.post(
        "/api/auth/password",
        {"current_password": "not it at all", "new_password": "brand new secret"},
    )
    assert wrong.status_code == 403 and "current_password" in wrong.json["error"]["fields"]
    weak = alice.post(
        "/api/auth/password", {"current_password": "correct horse", "new_password": "12345678"}
    )
    assert weak.status_code == 422 and "new_password" in weak.json["error"]["fields"]
    done = alice.post(
        "/api/auth/password",
        {"current_password": "correct horse", "new_password": "brand new secret"},
    )
    assert done.status_code == 204
    assert alice.get("/api/auth/me").status_code == 401
    assert login(api, alice.email).status_code == 401
    assert login(api, alice.email, "brand new secret").status_code == 200


def test_logout_ends_the_token(api, alice):
    assert alice.post("/api/auth/logout").status_code == 204
    assert alice.get("/api/tasks").status_code == 401
    assert alice.post("/api/auth/logout").status_code == 401
    fresh = login(api, alice.email)
    assert fresh.status_code == 200
    me = api.get("/api/auth/me", headers={"Authorization": "Bearer " + fresh.json["access_token"]})
    assert me.status_code == 200


def test_a_revoked_token_is_401_even_when_the_body_is_also_wrong(api, alice):
    assert alice.post("/api/auth/logout").status_code == 204
    refused = alice.post("/api/tasks", {"title": ""})
    assert (refused.status_code, refused.json["error"]["code"]) == (401, "unauthorized")
    assert alice.patch("/api/tasks/00000000-0000-0000-0000-000000000000", "not json").status_code == 401


def test_deleting_the_account_takes_everything_with_it_and_announces_the_tasks(api, alice, bob):
    task = alice.post(
        "/api/tasks",
        {
            "title": "Pay rent",
            "tags": ["home"],
            "due_date": "2031-01-01T09:00:00",
            "reminders": [{"minutes_before": 60}],
        },
    ).json
    bobs = bob.post("/api/tasks", {"title": "Bob's", "tags": ["home"]}).json
    alice_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    settle()
    refused = alice.delete("/api/auth/me", json={"password": "not my password"})
    assert refused.status_code == 403 and "password" in refused.json["error"]["fields"]
    assert alice.delete("/api/auth/me", json={"password": "correct horse"}).status_code == 204
    assert alice.get("/api/auth/me").status_code == 401
    assert login(api, alice.email).status_code == 401
    assert bob.get(f"/api/tasks/{bobs['id']}").status_code == 200
    from sqlalchemy import func, select

    from taskai.adapters import orm

    task_id = uuid.UUID(task["id"])
    with bootstrap.uow() as uow:
        count = lambda table, column, value: uow.session.execute(  # noqa: E731
            select(func.count()).select_from(table).where(column == value)
        ).scalar_one()
        assert count(orm.tasks, orm.tasks.c.id, task_id) == 0
        assert count(orm.tags, orm.tags.c.name, "home") == 1  # bob's
        assert count(orm.reminders, orm.reminders.c.task_id, task_id) == 0
        assert count(orm.users, orm.users.c.email, alice.email) == 0
        assert count(orm.outbox, orm.outbox.c.type, "com.taskai.task.deleted") == 1
        # no row of hers is left, on SQLite too (the cascade from users, migration 0008)
        for table in (orm.deletions, orm.projects, orm.notification_log):
            assert count(table, table.c.user_id, alice_id) == 0, table.name
    registered_again = api.post(
        "/api/auth/register", {"email": alice.email, "password": "correct horse"}
    )
    assert registered_again.status_code == 201


@pytest.fixture
def outbox_mail(monkeypatch):
    sent, arrived = [], threading.Event()

    class Catcher:
        provider = "test"

        def send(self, email):
            sent.append(email)
            arrived.set()

    monkeypatch.setattr(bootstrap, "email_sender", functools.cache(Catcher))
    return sent, arrived


def test_a_password_reset_mails_a_single_use_link_and_answers_the_same_for_anyone(
    api, alice, outbox_mail
):
    sent, arrived = outbox_mail
    unknown = api.post("/api/auth/password-reset", {"email": "nobody@example.com"})
    known = api.post("/api/auth/password-reset", {"email": alice.email.upper()})
    assert unknown.status_code == known.status_code == 202 and unknown.json == known.json
    assert arrived.wait(5) and len(sent) == 1 and sent[0].to == alice.email
    token = re.search(r"token=([\w-]+)", sent[0].text).group(1)
    confirm = {"token": token, "new_password": "reset and renewed"}
    assert api.post("/api/auth/password-reset/confirm", confirm).status_code == 204
    again = api.post("/api/auth/password-reset/confirm", confirm)
    assert again.status_code == 403 and "token" in again.json["error"]["fields"]
    assert alice.get("/api/auth/me").status_code == 401  # the reset ended every session
    assert login(api, alice.email, "reset and renewed").status_code == 200


def test_a_reset_link_expires_after_30_minutes(alice, outbox_mail):
    now = datetime.now(UTC)
    email = service.request_password_reset(
        uow=bootstrap.uow(),
        email=alice.email,
        now=now,
        public_url="https://tasks.example",
        sender="x@example.com",
    )
    token = re.search(r"token=([\w-]+)", email.text).group(1)
    with pytest.raises(Exception, match="invalid, used or expired"):
        service.reset_password(
            uow=bootstrap.uow(),
            token=token,
            new="late but strong",
            now=now + timedelta(minutes=31),
            passwords=BcryptPasswords(rounds=4),
        )


def test_emails_match_whatever_their_case_or_unicode_form(api):
    composed, decomposed = "Andr\u00e9@example.com", "ANDRE\u0301@example.com"
    assert (
        api.post("/api/auth/register", {"email": composed, "password": "correct horse"}).status_code
        == 201
    )
    clash = api.post("/api/auth/register", {"email": decomposed, "password": "correct horse"})
    assert clash.status_code == 409
    assert login(api, decomposed).status_code == 200
    fullwidth = "\uff41\uff4e\uff44\uff52\u00e9@example.com"  # ａｎｄｒé
    assert login(api, fullwidth).status_code == 200


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_a_zone_that_is_not_a_place_is_refused_naming_the_field(alice, zone):
    refused = alice.patch("/api/auth/me", {"timezone": zone})
    assert refused.status_code == 422 and "timezone" in refused.json["error"]["fields"]
