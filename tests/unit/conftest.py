"""Fixtures of the use-case tests: a fake unit of work and an account in it."""

from __future__ import annotations

import pytest
from fakes import NOW, FakeUnitOfWork

from taskai.domain.projects import Project
from taskai.domain.users import User


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def user(uow: FakeUnitOfWork) -> User:
    """Alice, in Berlin, with the password "correct horse" (as the fake hasher hashes it)."""
    alice = User(
        email="alice@example.com",
        password_hash="hashed:correct horse",
        name="Alice",
        timezone="Europe/Berlin",
        created_at=NOW,
    )
    uow.users.add(alice)
    inbox = Project.new_inbox(user_id=alice.id, now=NOW)  # as registration makes it
    inbox.events.clear()
    uow.projects.add(inbox)
    return alice
