"""Password hashes (bcrypt) and bearer tokens (JWT, HS256 pinned)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

import bcrypt

from taskai.domain.users import MAX_PASSWORD_BYTES
from taskai.errors import Unauthorized

ALGORITHM = "HS256"
LEEWAY = 5  # seconds of clock skew allowed on a token's times
VERIFIED = 4096  # tokens found good kept per process, so a client's next request skips PyJWT


@cache
def dummy_hash(rounds: int) -> bytes:
    """Compared against when the email is unknown, at the cost real hashes have, so that a
    miss takes as long as a wrong password."""
    return bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds))


def hash_password(password: str, *, rounds: int) -> str:
    """A salted bcrypt hash of `password` at cost `rounds`."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


class BcryptPasswords:
    """bcrypt hashes at a cost of `rounds` (2**rounds iterations), and zxcvbn's judgement."""

    def __init__(self, *, rounds: int) -> None:
        self.rounds = rounds

    def hash(self, password: str) -> str:
        """The password's salted bcrypt hash."""
        return hash_password(password, rounds=self.rounds)

    def matches(self, password: str, password_hash: str | None) -> bool:
        """True when `password` matches; spends a hash's time even when there is no hash.

        A password over bcrypt's 72 bytes never matches (registration refuses those), and is
        never truncated into one that might."""
        secret = password.encode()
        if password_hash is None or len(secret) > MAX_PASSWORD_BYTES:
            bcrypt.checkpw(secret[:MAX_PASSWORD_BYTES], dummy_hash(self.rounds))
            return False
        return bcrypt.checkpw(secret, password_hash.encode())

    def is_guessable(self, password: str, *, related: Sequence[str]) -> bool:
        """True for a password in zxcvbn's lists of common passwords, names and words, or
        guessable (repeats, sequences, keyboard walks, the account's own words in `related`)."""
        from zxcvbn import zxcvbn  # imported on first use: cold start matters

        return bool(zxcvbn(password, user_inputs=[r for r in related if r][:10])["score"] == 0)


class TokenIssuer:
    """Issues and checks access tokens with one secret, issuer, audience and lifetime."""

    def __init__(self, *, secret: str, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.secret, self.issuer, self.audience = secret, issuer, audience
        self.ttl_seconds = ttl_seconds
        self._verified: dict[str, tuple[uuid.UUID, int, float]] = {}  # token: (sub, ver, exp)

    def issue(self, user_id: uuid.UUID, *, now: datetime, version: int = 0) -> str:
        """A token for `user_id`, valid while the account's token version is `version`."""
        import jwt  # imported on first use: cold start matters

        claims = {
            "sub": str(user_id),
            "ver": version,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl_seconds),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> tuple[uuid.UUID, int]:
        """The user id the token was issued to and its token version; else Unauthorized. A token
        found good before is only checked for expiry again (its signature and claims hold)."""
        found = self._verified.get(token)
        if found is None:
            found = self._decode(token)
            if len(self._verified) >= VERIFIED:
                self._verified.clear()
            self._verified[token] = found
        user_id, version, expires = found
        if time.time() > expires + LEEWAY:
            raise Unauthorized("token expired")
        return user_id, version

    def _decode(self, token: str) -> tuple[uuid.UUID, int, float]:
        """(user id, token version, expiry in Unix seconds) of a token PyJWT finds good now;
        else Unauthorized."""
        import jwt

        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=LEEWAY,
            )
            version = claims.get("ver", 0)
            if type(version) is not int:
                raise ValueError("token version must be a number")
            return uuid.UUID(claims["sub"]), version, float(claims["exp"])
        except jwt.ExpiredSignatureError as e:
            raise Unauthorized("token expired") from e
        except (jwt.InvalidTokenError, ValueError) as e:
            raise Unauthorized("invalid token") from e
