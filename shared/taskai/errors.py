"""The one error family of TaskAI; only adapters turn these into HTTP statuses."""

from __future__ import annotations


class TaskAIError(Exception):
    """Base of every error the library raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(TaskAIError):
    """The caller sent something that can never succeed as sent."""

    code = "invalid_input"


class TooManyAttempts(TaskAIError):
    """Too many failures in a row: wait `retry_after_s` seconds before the next try."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotFound(TaskAIError):
    """The thing does not exist, or belongs to somebody else."""

    code = "not_found"


class Conflict(TaskAIError):
    """The request clashes with the current state (a duplicate name, a wrong transition)."""

    code = "conflict"


class Clash(Conflict):
    """The store refused a write that clashes with what another transaction wrote (a unique
    key taken meanwhile): the transaction is spent, whatever else it held (409)."""


class Duplicate(Clash):
    """The work was done already: the event was handled, or the series has that occurrence."""


class Unavailable(TaskAIError):
    """A dependency (the database) cannot answer now; the same request may succeed later."""

    code = "unavailable"
    retry_after_s = 5


class Forbidden(TaskAIError):
    """The caller is known, but the confirmation given (a password, a reset link) is not right."""

    code = "forbidden"


class Unauthorized(TaskAIError):
    """Missing, invalid or expired credentials."""

    code = "unauthorized"
