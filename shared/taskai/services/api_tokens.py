"""Use cases of personal API tokens: create (the secret shown once), list, revoke."""

from __future__ import annotations

import uuid
from datetime import datetime

from taskai.domain.api_tokens import MAX_TOKENS, ApiToken
from taskai.errors import Conflict
from taskai.ports import UnitOfWork


def create_token(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    name: str,
    scopes: list[str],
    expires_at: datetime | None,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new token of the user's and its secret, which is kept only as a hash; raises
    InvalidInput naming the field, Conflict when the user has MAX_TOKENS already."""
    token, secret = ApiToken.new(
        user_id=user_id, name=name, scopes=scopes, expires_at=expires_at, now=now
    )
    with uow:
        if uow.api_tokens.count(user_id) >= MAX_TOKENS:
            raise Conflict(f"an account has at most {MAX_TOKENS} API tokens; revoke one first")
        uow.api_tokens.add(token)
        uow.commit()
    return token, secret


def list_tokens(*, uow: UnitOfWork, user_id: uuid.UUID) -> list[ApiToken]:
    """The user's tokens, newest first (never their secrets)."""
    with uow:
        return uow.api_tokens.of_user(user_id)


def revoke_token(*, uow: UnitOfWork, user_id: uuid.UUID, token_id: uuid.UUID) -> None:
    """Delete one of the user's tokens: refused from the next request on; raises NotFound."""
    with uow:
        uow.api_tokens.delete(uow.api_tokens.get(user_id, token_id))
        uow.commit()
