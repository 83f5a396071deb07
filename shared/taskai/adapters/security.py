"""Password hashes (bcrypt) and bearer tokens (JWT, HS256 pinned)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import bcrypt

from taskai.errors import Unauthorized

ALGORITHM = "HS256"
# Compared against when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(4))


def hash_password(password: str, *, rounds: int) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def password_matches(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; spends a hash's time even when there is no hash."""
    if password_hash is None:
        bcrypt.checkpw(password.encode(), _DUMMY_HASH)
        return False
    return bcrypt.checkpw(password.encode(), password_hash.encode())


class TokenIssuer:
    """Issues and checks access tokens with one secret, issuer, audience and lifetime."""

    def __init__(self, *, secret: str, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.secret, self.issuer, self.audience = secret, issuer, audience
        self.ttl_seconds = ttl_seconds

    def issue(self, user_id: uuid.UUID, *, now: datetime) -> str:
        import jwt  # imported on first use: cold start matters

        claims = {
            "sub": str(user_id),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl_seconds),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> uuid.UUID:
        """The user id the token was issued to; raises Unauthorized for anything else."""
        import jwt

        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=5,
            )
            return uuid.UUID(claims["sub"])
        except jwt.ExpiredSignatureError as e:
            raise Unauthorized("token expired") from e
        except (jwt.InvalidTokenError, ValueError) as e:
            raise Unauthorized("invalid token") from e
