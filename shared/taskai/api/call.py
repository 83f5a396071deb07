"""One request as a handler sees it: path values, the parsed body and query, the caller."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, get_origin
from zoneinfo import ZoneInfo

import flask
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from taskai import bootstrap
from taskai.api.operations import Operation
from taskai.config import get_settings
from taskai.domain import api_tokens
from taskai.domain.api_tokens import Credential
from taskai.domain.users import LANGUAGES, User
from taskai.errors import InvalidInput, TaskAIError, Unauthorized

if TYPE_CHECKING:
    from taskai.adapters.unit_of_work import UnitOfWork

M = TypeVar("M", bound=BaseModel)
LIST_SEPARATOR = ","


class Call:
    """One request as a handler sees it: path values, parsed body and query, the caller."""

    def __init__(self, request: flask.Request, operation: Operation, values: Mapping[str, Any]):
        self.request, self.operation, self.values = request, operation, values
        self.now = bootstrap.clock()  # the request's one reading of the time
        self._user: User | None = None
        self._caller: Credential | None = None
        self._uows: list[UnitOfWork] = []

    @property
    def user_id(self) -> uuid.UUID:
        """The caller, from a valid bearer token (checked once per request)."""
        return self.caller().user_id

    def caller(self) -> Credential:
        """Who the bearer token says the caller is, with the scope the operation needs, without
        touching the database: a session's JWT is verified here, an API token (`tai_…`) only
        named. Raises Unauthorized; the account, and an API token with its scopes, are checked
        in the request's transaction (see UnitOfWork._check_caller)."""
        if self._caller is None:
            scheme, _, token = self.request.headers.get("Authorization", "").partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                raise Unauthorized("missing bearer token")
            needs = self.operation.scope
            if api_tokens.is_api_token(token):
                owner = api_tokens.owner_of(token)
                digest = api_tokens.digest(token)
                self._caller = Credential(owner, token_hash=digest, needs=needs)
            else:  # a session: every scope is its own
                user_id, version = bootstrap.tokens().verify(token)
                self._caller = Credential(user_id, version)
        return self._caller

    @property
    def user(self) -> User:
        """The caller's account, as the request's unit of work read it (or, before any, in a
        transaction of its own); a valid token of an account that is gone is 401, not 404."""
        if self._user is None:
            account = next((u.account for u in self._uows if u.account is not None), None)
            if account is None:
                self.caller()
                with self.uow() as uow:
                    account = uow.account
            assert account is not None  # a unit of work with a caller has its account
            self._user = account
        return self._user

    @property
    def checked(self) -> bool:
        """Whether the caller's account was read (and so checked) by this request."""
        return self._user is not None or any(u.account is not None for u in self._uows)

    def zone(self) -> ZoneInfo:
        """The caller's time zone, in which times are shown."""
        return self.user.zone

    def language(self) -> str:
        """The language quick add reads in: the profile's, else the browser's, else English."""
        return self.user.language or accepted_language(
            self.request.headers.get("Accept-Language", "")
        )

    def client_address(self) -> str:
        """Where the request came from: the peer, or with TRUSTED_PROXY_HOPS proxies in front,
        the address the outermost trusted proxy saw (X-Forwarded-For from the right)."""
        hops = get_settings().trusted_proxy_hops
        forwarded = self.request.headers.get("X-Forwarded-For", "").split(",")
        route = [a.strip() for a in forwarded if a.strip()]
        if hops and len(route) >= hops:
            return route[-hops][:100]
        return self.request.remote_addr or "unknown"

    def in_zone(self, moment: datetime | None) -> datetime | None:
        """A time the caller sent without an offset is read in the caller's zone."""
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=self.zone())

    def uow(self) -> UnitOfWork:
        """A unit of work for this request, continuing its trace; it checks the caller's
        account (Unauthorized) in its own transaction, unless the operation is public. A GET's
        only reads (HTTP's safe method, RFC 9110 §9.2.1)."""
        caller = None if self.operation.public and self._caller is None else self.caller()
        uow = bootstrap.uow(
            traceparent=self.request.headers.get("traceparent"),
            caller=caller,
            read_only=self.operation.method == "GET",
        )
        self._uows.append(uow)
        return uow

    def body(self, model: type[M], raw: bytes | None = None) -> M:
        """The JSON body (or `raw`, already read) validated against `model` (an empty body is
        validated as null); raises UnsupportedMediaType, InvalidInput."""
        raw = self.raw_body() if raw is None else raw
        if raw and self.request.mimetype != "application/json":
            raise UnsupportedMediaType()
        return validate(model, raw or b"null")

    def no_body(self) -> None:
        """Refuse a body where the operation takes none: nothing or `{}` passes; a field is 422
        naming it, as unknown fields are elsewhere; non-JSON is 415 or 422."""
        raw = self.raw_body()
        if raw.strip():
            from taskai.api.schemas import NoBody

            self.body(NoBody, raw)

    def raw_body(self, limit: int | None = None) -> bytes:
        """The body, read only up to `limit` bytes (default MAX_BODY_BYTES); a declared or
        streamed excess raises PayloadTooLarge."""
        limit = limit or get_settings().max_body_bytes
        if (self.request.content_length or 0) > limit:
            raise PayloadTooLarge(limit)
        data = self.request.stream.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(limit)
        return data

    def query(self, model: type[M]) -> M:
        """The query string validated against `model`; list fields take a,b or repeats."""
        data: dict[str, Any] = {}
        for name in self.request.args:
            values = self.request.args.getlist(name)
            field = model.model_fields.get(name)
            if field is not None and get_origin(field.annotation) is list:
                # an empty item (`tag=`, `tag=a,,b`) is refused by the item's schema, not dropped
                data[name] = [v for value in values for v in value.split(LIST_SEPARATOR)]
            else:
                data[name] = values[-1]
        return validate(model, data)


class UnsupportedMediaType(TaskAIError):
    """A body sent as something other than application/json (415)."""

    code = "unsupported_media_type"

    def __init__(self) -> None:
        super().__init__("send the body as application/json")


class PayloadTooLarge(TaskAIError):
    """A body over MAX_BODY_BYTES (413)."""

    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is larger than {limit} bytes")


def validate(model: type[M], data: dict[str, Any] | bytes) -> M:
    """Validate a dict or JSON text; pydantic's errors become one InvalidInput naming each field.

    U+0000 is taken out (see without_nul), but only from input that is valid with it too: the
    published schema counts it toward lengths, so what the schema refuses stays refused.
    """
    clean = without_nul(data) if isinstance(data, bytes) else _strip_nul(data)
    try:
        if clean != data:
            _parse(model, data)
        return _parse(model, clean)
    except ValidationError as e:
        fields: dict[str, str] = {}
        for error in e.errors():
            where = ".".join(str(part) for part in error["loc"]) or "body"
            fields.setdefault(where, field_message(error))
        raise InvalidInput("invalid " + ", ".join(fields), fields=fields) from e


# What pydantic puts before the text of a validator's ValueError or assert: not for people.
RAW_PREFIXES = ("Value error, ", "Assertion failed, ")


def field_message(error: ErrorDetails) -> str:
    """The message a client shows for one pydantic error: the validator's own words, without
    pydantic's "Value error, " prefix ("invalid JSON" for a body that is not JSON)."""
    if error["type"] == "json_invalid":
        return "invalid JSON"
    message = error["msg"]
    for prefix in RAW_PREFIXES:
        message = message.removeprefix(prefix)
    return message


def _parse(model: type[M], data: dict[str, Any] | bytes) -> M:
    """`model` from JSON text or from a dict; pydantic's ValidationError if invalid."""
    if isinstance(data, bytes):
        return model.model_validate_json(data)
    return model.model_validate(data)


def without_nul(raw: bytes) -> bytes:
    """JSON text with U+0000 taken out of its strings: PostgreSQL text cannot hold it."""
    if b"\\u0000" not in raw:
        return raw
    try:
        return json.dumps(_strip_nul(json.loads(raw))).encode()
    except ValueError:
        return raw  # not JSON: pydantic names the error


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    return value


def accepted_language(header: str) -> str:
    """Return the supported language an Accept-Language header prefers most, else "en"."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().split("-")[0].lower()
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else "en"
