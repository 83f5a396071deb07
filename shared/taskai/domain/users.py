"""Accounts: who owns what, and in which time zone their dates are read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from taskai.domain.days import DEFAULT_REMINDER_TIME, DayClock
from taskai.domain.names import email_key
from taskai.domain.vocabulary import Language
from taskai.errors import InvalidInput

LANGUAGES = tuple(Language)  # what quick add reads
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt ignores everything past 72 bytes; refuse rather than truncate


@cache
def zone_names() -> frozenset[str]:
    """The IANA zone names accepted (those of the tzdata package, as OpenAPI lists them), but
    `localtime` (whatever zone the server runs in) and `Factory` (no zone at all)."""
    return frozenset(available_timezones()) - {"localtime", "Factory"}


def check_timezone(name: str, field_name: str = "timezone") -> str:
    """Return `name` when it is an IANA zone name, else raise InvalidInput."""
    if name not in zone_names():
        raise InvalidInput(
            f"unknown time zone {name!r}", fields={field_name: "must be an IANA time zone name"}
        )
    return name


def check_language(name: str, field_name: str = "language") -> str:
    """Return the language code (en, de, es, fr; a region such as de-AT is cut), else raise."""
    code = name.strip().replace("_", "-").split("-")[0].lower()
    if code not in LANGUAGES:
        raise InvalidInput(
            f"unsupported language {name!r}", fields={field_name: "must be one of en, de, es, fr"}
        )
    return code


def check_email(email: str) -> str:
    """An email as stored: trimmed, otherwise as given (compared by its key); raises
    InvalidInput naming `email` unless it is an address mail can be sent to (RFC 5322's syntax,
    RFC 5321's limits of 64 octets before the @ and 254 in all: email-validator, strict)."""
    from email_validator import EmailNotValidError, validate_email  # registration only: late

    email = email.strip()
    try:  # test_environment: a *.test address (RFC 2606, for tests and demos) is let in
        validate_email(email, check_deliverability=False, strict=True, test_environment=True)
    except EmailNotValidError as e:
        raise InvalidInput("invalid email address", fields={"email": str(e)}) from e
    return email


def check_password(password: str) -> str:
    """Apply the password policy: 8 characters at least, 72 bytes at most."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"must be at least {MIN_PASSWORD_LENGTH} characters"
        raise InvalidInput(f"password {message}", fields={"password": message})
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        message = f"must be at most {MAX_PASSWORD_BYTES} bytes"
        raise InvalidInput(f"password {message}", fields={"password": message})
    return password


@dataclass(eq=False)
class User:
    """A person with an account; every task and tag belongs to one."""

    email: str
    password_hash: str
    name: str = ""
    timezone: str = "UTC"
    language: str | None = None  # None: quick add follows the browser's Accept-Language
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    change_seq: int = 0
    token_version: int = 0  # tokens issued under an older version are no longer valid
    email_key: str = ""  # the address as compared: normalized and case-folded
    # All-day tasks (#16): the time of day (HH:MM) their offset reminders count back from.
    all_day_reminder_time: str = DEFAULT_REMINDER_TIME

    def __post_init__(self) -> None:
        self.email_key = email_key(self.email)

    def end_sessions(self) -> None:
        """Every token issued so far stops working (logout, password change or reset)."""
        self.token_version += 1

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone as a tzinfo."""
        return ZoneInfo(self.timezone)

    @property
    def clock(self) -> DayClock:
        """The user's zone and all-day reminder time, as their all-day tasks need them."""
        return DayClock(self.timezone, self.all_day_reminder_time)
