"""Use cases of accounts (`taskai.services.auth`) against the in-memory fakes."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fakes import NOW, FakePasswords, FakeTokens, new_task

from taskai.domain.login_guard import PER_ACCOUNT
from taskai.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthorized
from taskai.services import auth

PASSWORDS, TOKENS = FakePasswords(), FakeTokens()


def register(uow, email="bob@example.com", password="a long secret", **fields):
    return auth.register(
        uow=uow,
        tokens=TOKENS,
        passwords=PASSWORDS,
        email=email,
        password=password,
        now=NOW,
        **fields,
    )


def login(uow, password, *, email="alice@example.com", now=NOW, address="198.51.100.7"):
    return auth.login(
        uow=uow,
        tokens=TOKENS,
        passwords=PASSWORDS,
        email=email,
        password=password,
        address=address,
        now=now,
    )


def test_registering_creates_the_account_and_logs_it_in(uow):
    session = register(uow, email=" Bob@Example.com ", name=" Bob ", timezone="Asia/Tokyo")
    assert session.user.email == "Bob@Example.com" and session.user.name == "Bob"
    assert session.user.password_hash == "hashed:a long secret"
    assert session.access_token == f"token:{session.user.id}:0"
    assert session.expires_in == TOKENS.ttl_seconds
    assert uow.users.by_email("bob@example.com") is session.user


def test_an_email_registered_in_another_case_is_a_conflict(uow, user):
    with pytest.raises(Conflict):
        register(uow, email="ALICE@example.com")


@pytest.mark.parametrize("password", ["short", "password", "bob@example.com!"])
def test_a_short_common_or_personal_password_is_refused(uow, password):
    with pytest.raises(InvalidInput) as refused:
        register(uow, password=password)
    assert "password" in refused.value.fields
    assert uow.users.items == {}


def test_an_address_that_is_not_an_email_is_refused(uow):
    with pytest.raises(InvalidInput):
        register(uow, email="bob at example")


def test_logging_in_with_the_right_password_issues_a_token_of_the_current_version(uow, user):
    user.end_sessions()
    session = login(uow, "correct horse", email="ALICE@example.com")
    assert session.access_token == f"token:{user.id}:1"


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_a_wrong_password_or_unknown_email_get_the_same_answer(uow, user, email):
    with pytest.raises(Unauthorized, match="wrong email or password"):
        login(uow, "nope nope", email=email)


def test_repeated_failures_lock_the_account_until_the_delay_has_passed(uow, user):
    for _ in range(PER_ACCOUNT.free_failures):  # the free ones: no wait after them
        with pytest.raises(Unauthorized):
            login(uow, "nope nope", now=NOW)
    with pytest.raises(Unauthorized):  # one past the free ones: this failure locks
        login(uow, "nope nope", now=NOW)
    with pytest.raises(TooManyAttempts) as locked:
        login(uow, "correct horse", now=NOW)
    assert locked.value.retry_after_s >= 1
    assert login(uow, "correct horse", now=NOW + timedelta(minutes=5)).user is user
    assert uow.users.attempts.rows.get("account:alice@example.com") is None


def test_the_profile_changes_only_the_fields_given(uow, user):
    auth.update_profile(uow=uow, user_id=user.id, changes={"language": "de-AT"}, now=NOW)
    assert (user.language, user.timezone, user.name) == ("de", "Europe/Berlin", "Alice")
    assert auth.get_profile(uow=uow, user_id=user.id) is user


def test_an_unknown_time_zone_is_refused(uow, user):
    with pytest.raises(InvalidInput):
        auth.update_profile(uow=uow, user_id=user.id, changes={"timezone": "Mars/Olympus"}, now=NOW)


def test_changing_the_password_ends_every_session(uow, user):
    auth.change_password(
        uow=uow,
        user_id=user.id,
        current_password="correct horse",
        new="battery staple",
        now=NOW,
        passwords=PASSWORDS,
    )
    assert user.password_hash == "hashed:battery staple" and user.token_version == 1


def test_a_wrong_current_password_is_forbidden_and_counted(uow, user):
    with pytest.raises(Forbidden) as refused:
        auth.change_password(
            uow=uow,
            user_id=user.id,
            current_password="nope nope",
            new="battery staple",
            now=NOW,
            passwords=PASSWORDS,
        )
    assert "current_password" in refused.value.fields
    assert uow.users.attempts.rows["account:alice@example.com"].failures == 1


def test_logging_out_ends_the_sessions(uow, user):
    auth.logout(uow=uow, user_id=user.id)
    assert user.token_version == 1


def test_deleting_the_account_announces_its_tasks_deleted_and_takes_everything(uow, user):
    task = new_task(uow, user, tags=["home"])
    auth.delete_account(
        uow=uow, user_id=user.id, password="correct horse", now=NOW, passwords=PASSWORDS
    )
    assert uow.users.items == {} and uow.tasks.items == {} and uow.tags.items == {}
    assert uow.event_types() == ["TaskCreated", "TaskDeleted"]
    assert {(d.entity, d.id) for d in uow.deletions} == {
        ("task", task.id),
        ("tag", task.tags[0].id),
    }


def test_the_account_is_not_deleted_without_its_password(uow, user):
    with pytest.raises(Forbidden):
        auth.delete_account(
            uow=uow, user_id=user.id, password="nope nope", now=NOW, passwords=PASSWORDS
        )
    assert auth.get_profile(uow=uow, user_id=user.id) is user


def request_reset(uow, email="alice@example.com"):
    return auth.request_password_reset(
        uow=uow,
        email=email,
        now=NOW,
        public_url="https://taskai.example/",
        sender="x@taskai.example",
    )


def test_a_reset_request_mails_a_link_whose_token_sets_a_new_password_once(uow, user):
    email = request_reset(uow)
    assert email is not None and email.to == user.email
    token = re.search(r"https://taskai\.example/reset-password\?token=([\w-]+)", email.text)
    assert token is not None
    reset = {"token": token.group(1), "new": "battery staple", "passwords": PASSWORDS}
    auth.reset_password(uow=uow, now=NOW + timedelta(minutes=29), **reset)
    assert user.password_hash == "hashed:battery staple" and user.token_version == 1
    with pytest.raises(Forbidden):
        auth.reset_password(uow=uow, now=NOW + timedelta(minutes=29), **reset)


def test_a_reset_link_expires_after_thirty_minutes(uow, user):
    email = request_reset(uow)
    assert email is not None
    token = re.search(r"token=([\w-]+)", email.text)
    assert token is not None
    with pytest.raises(Forbidden):
        auth.reset_password(
            uow=uow,
            token=token.group(1),
            new="battery staple",
            now=NOW + timedelta(minutes=31),
            passwords=PASSWORDS,
        )


def test_a_reset_request_for_an_unknown_email_sends_nothing(uow):
    assert request_reset(uow, "nobody@example.com") is None


def test_the_profile_of_a_deleted_account_is_not_found(uow):
    with pytest.raises(NotFound):
        auth.get_profile(uow=uow, user_id=uuid.uuid4())


def test_a_zone_change_keeps_every_all_day_tasks_date_in_batches_and_moves_its_reminders(uow, user):
    days = [date(2031, 3, d) for d in (10, 11, 12)]
    made = [new_task(uow, user, due_date=d, reminders=[{"minutes_before": 60}]) for d in days]
    timed = new_task(uow, user, due_date=NOW + timedelta(days=3))
    before = timed.due_at
    with uow:
        user_then = uow.users.get(user.id)
        was = user_then.clock
        user_then.timezone = "Asia/Tokyo"
        assert auth.follow_zone(uow=uow, user=user_then, was=was, now=NOW, batch=2) == 3
        uow.commit()
    clock = user.clock
    assert [clock.day(t.due_at) for t in made] == days
    assert [t.due_at.hour for t in made] == [15, 15, 15]  # midnight in Tokyo, in UTC
    assert [t.reminders[0].fire_at for t in made] == [
        clock.reminder_base(t.due_at) - timedelta(minutes=60) for t in made
    ]
    assert timed.due_at == before
