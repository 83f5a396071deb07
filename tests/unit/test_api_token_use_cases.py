"""Personal API tokens as use cases and domain rules, against the in-memory fakes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fakes import NOW

from taskai.domain.api_tokens import (
    MAX_TOKENS,
    SESSION,
    ApiToken,
    InsufficientScope,
    digest,
    owner_of,
)
from taskai.errors import Conflict, InvalidInput, NotFound, Unauthorized
from taskai.services.api_tokens import create_token, list_tokens, revoke_token


def new(uow, user, **fields):
    """A token of `user`'s made by the create use case at NOW."""
    args = {"name": "backup script", "scopes": ["tasks:read"], "expires_at": None} | fields
    return create_token(uow=uow, user_id=user.id, now=NOW, **args)


def test_a_new_token_is_kept_only_as_the_hash_of_its_secret(uow, user):
    token, secret = new(uow, user)
    assert secret.startswith("tai_") and len(secret) > 60
    assert token.token_hash == digest(secret) and secret not in repr(vars(token))
    assert owner_of(secret) == user.id
    assert list_tokens(uow=uow, user_id=user.id) == [token]


def test_scopes_are_kept_once_each_in_the_documented_order(uow, user):
    token, _ = new(uow, user, scopes=["tags:write", "tasks:read", "tags:write"])
    assert token.scopes == ("tasks:read", "tags:write")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["tasks:delete"]}, "scopes"),
        ({"scopes": [SESSION]}, "scopes"),
        ({"expires_at": NOW}, "expires_at"),
        ({"expires_at": NOW + timedelta(days=365, seconds=1)}, "expires_at"),
    ],
)
def test_bad_input_is_refused_naming_the_field(uow, user, fields, field):
    with pytest.raises(InvalidInput) as refused:
        new(uow, user, **fields)
    assert field in refused.value.fields
    assert list_tokens(uow=uow, user_id=user.id) == []


def test_an_account_holds_at_most_the_cap_of_tokens(uow, user):
    for n in range(MAX_TOKENS):
        new(uow, user, name=f"token {n}")
    with pytest.raises(Conflict):
        new(uow, user)


def test_revoking_forgets_the_token_and_another_users_token_is_not_found(uow, user):
    token, _ = new(uow, user)
    with pytest.raises(NotFound):
        revoke_token(uow=uow, user_id=token.id, token_id=token.id)
    revoke_token(uow=uow, user_id=user.id, token_id=token.id)
    assert list_tokens(uow=uow, user_id=user.id) == []
    with pytest.raises(NotFound):
        revoke_token(uow=uow, user_id=user.id, token_id=token.id)


def test_deleting_the_account_deletes_its_tokens(uow, user):
    new(uow, user)
    uow.users.delete(user)
    assert uow.api_tokens.items == {}


def test_a_token_may_do_what_its_scopes_allow_until_it_expires(uow, user):
    token, _ = new(uow, user, scopes=["tasks:read"], expires_at=NOW + timedelta(days=1))
    token.authorize("tasks:read", now=NOW)
    token.authorize(None, now=NOW)
    with pytest.raises(InsufficientScope, match="lacks the scope tasks:write") as refused:
        token.authorize("tasks:write", now=NOW)
    assert refused.value.scope == "tasks:write" and refused.value.code == "insufficient_scope"
    with pytest.raises(InsufficientScope, match="log in"):
        token.authorize(SESSION, now=NOW)
    with pytest.raises(Unauthorized, match="expired"):
        token.authorize("tasks:read", now=NOW + timedelta(days=1))


def test_last_use_is_worth_writing_at_most_once_a_minute():
    token, _ = ApiToken.new(
        user_id=uuid.uuid4(), name="t", scopes=["tags:read"], expires_at=None, now=NOW
    )
    assert token.use_is_stale(NOW)
    token.last_used_at = NOW
    assert not token.use_is_stale(NOW + timedelta(seconds=59))
    assert token.use_is_stale(NOW + timedelta(minutes=1))


def test_a_malformed_api_token_is_unauthorized():
    with pytest.raises(Unauthorized):
        owner_of("tai_not-hex")
