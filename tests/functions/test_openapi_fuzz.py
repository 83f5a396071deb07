"""schemathesis over the whole OpenAPI document, in process, as a registered user: every
operation with every check (positive and negative data), then call sequences along the
document's links. What the schema allows must be accepted; what it refuses, refused."""

from __future__ import annotations

import os
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from support import Api
from taskai.adapters.task_search import MAX_TITLE, PRIORITIES, encode_cursor
from taskai.api.openapi import document
from taskai.services.sync import CURSOR as SYNC_CURSOR

# Bounded so that both runs together stay well under two minutes on a 2-core machine.
EXAMPLES = int(os.environ.get("TASKAI_FUZZ_EXAMPLES", "25"))
SEQUENCES = int(os.environ.get("TASKAI_FUZZ_SEQUENCES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases every run: CI fails on code changes, not on luck
    suppress_health_check=list(HealthCheck),
    database=None,
)


class Gateway:
    """The dev router of the test session, bound late: the schema loads at import time."""

    app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


GATEWAY = Gateway()


def strong_passwords() -> st.SearchStrategy[str]:
    """format new-password: what the strength check accepts (a random, unlisted secret)."""
    return st.integers(min_value=12, max_value=40).map(lambda n: secrets.token_urlsafe(n)[:n])


def cursors() -> st.SearchStrategy[str]:
    """format cursor: a next_cursor as the API makes them, of any sort and order."""
    times = st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(9999, 1, 1), timezones=st.just(UTC)
    )
    keys = {
        "due": times,
        "created": times,
        "updated": times,
        "priority": st.sampled_from(PRIORITIES),
        "title": st.text(max_size=MAX_TITLE),
        "relevance": st.floats(min_value=-1e6, max_value=1e6),
    }
    return st.sampled_from(sorted(keys)).flatmap(
        lambda sort: st.builds(encode_cursor, st.just(sort), st.booleans(), keys[sort], st.uuids())
    )


def rrules() -> st.SearchStrategy[str]:
    """format rrule: RFC 5545 rules of the parts the API documents."""
    days = st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=1)
    parts = st.fixed_dictionaries(
        {"FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])},
        optional={
            "INTERVAL": st.integers(1, 30).map(str),
            "BYDAY": days.map(lambda d: ",".join(dict.fromkeys(d))),
            "COUNT": st.integers(1, 50).map(str),
        },
    )
    return parts.map(lambda p: ";".join(f"{k}={v}" for k, v in p.items()))


def token_expiries() -> st.SearchStrategy[str]:
    """format token-expiry: a moment from a minute to 364 days from now, with its offset."""
    seconds = st.integers(min_value=60, max_value=364 * 24 * 3600)
    return seconds.map(lambda s: (datetime.now(UTC) + timedelta(seconds=s)).isoformat())


def filter_queries() -> st.SearchStrategy[str]:
    """format filter-query: queries of the filter language that name no project or section
    (there are none yet, so those are 422 by design)."""
    terms = st.sampled_from(
        ["today", "tomorrow", "overdue", "no date", "next 7 days", "due before: friday",
         "due after: 2031-03-10", "p1", "P4", "#work", '#"deep work"', "no tags", "recurring",
         "search: report", "status: in_progress"]
    )  # fmt: skip
    return st.recursive(
        terms,
        lambda inner: st.one_of(
            inner.map(lambda q: f"!({q})"),
            st.tuples(inner, st.sampled_from([" & ", " | "]), inner).map("".join),
        ),
        max_leaves=6,
    )


def todoist_csvs() -> st.SearchStrategy[str]:
    """format todoist-csv: Todoist's CSV export, a few rows of any text (import and export)."""
    import csv
    import io

    cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
    row = st.tuples(
        st.sampled_from(["task", "section", "note"]), cell, cell,
        st.sampled_from(["", "1", "4"]), st.sampled_from(["", "1", "2", "3"]),
        st.sampled_from(["", "tomorrow 5pm", "every! 3 days", "someday maybe"]),
    )  # fmt: skip

    def written(rows: list[tuple[str, ...]]) -> str:
        out = io.StringIO()
        csv.writer(out).writerows([("TYPE", "CONTENT", "DESCRIPTION", "PRIORITY", "INDENT",
                                    "DATE"), *rows])  # fmt: skip
        return out.getvalue()

    return st.lists(row, max_size=4).map(written)


schemathesis.serializer.alias("text/csv", "text/plain")
schemathesis.openapi.format("todoist-csv", todoist_csvs())


def webhook_urls() -> st.SearchStrategy[str]:
    """format webhook-url: URLs of the one host the fuzzing allows (WEBHOOK_HOST), which is not
    resolved when allowed: public-address checks need DNS, which a test cannot count on."""
    paths = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/", max_size=40)
    return st.tuples(st.sampled_from(["https", "http"]), paths).map(
        lambda p: f"{p[0]}://{WEBHOOK_HOST}/{p[1]}"
    )


def p256_points() -> st.SearchStrategy[str]:
    """format p256-point (Web Push, issue 17): a browser's key, an uncompressed point on P-256."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def point(_: int) -> str:
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        raw = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return st.integers().map(point)


WEBHOOK_HOST = "webhooks.invalid"  # RFC 6761: never resolves, so a delivery fails at once
schemathesis.openapi.format("webhook-url", webhook_urls())
schemathesis.openapi.format("p256-point", p256_points())
schemathesis.openapi.format("filter-query", filter_queries())
schemathesis.openapi.format("new-password", strong_passwords())
schemathesis.openapi.format("token-expiry", token_expiries())
schemathesis.openapi.format("rrule", rrules())
schemathesis.openapi.format("cursor", cursors())
schemathesis.openapi.format("sync-cursor", st.from_regex(SYNC_CURSOR, fullmatch=True))
schema = schemathesis.openapi.from_dict(document())
schema.app = GATEWAY
LOGOUT = {"POST /api/auth/logout", "POST /api/auth/password", "DELETE /api/auth/me"}


class Caller:
    """The fuzzing user's bearer token; a logout or a password change ends it, so the caller
    signs up again (logging in again could meet the login throttle the fuzzing wakes)."""

    api: Api
    token = ""

    def start(self, api: Api) -> None:
        self.api = api
        self.token = api.as_new_user().token

    def after(self, case: Any, response: Any) -> None:
        if f"{case.method.upper()} {case.path}" in LOGOUT and response.status_code == 204:
            self.token = self.api.as_new_user().token


CALLER = Caller()


@schema.auth(refresh_interval=None)
class Bearer:
    """The caller's token, read afresh for every case (schemathesis still sends cases without
    it or with a broken one, to check they are refused)."""

    def get(self, case: Any, ctx: Any) -> str:
        return CALLER.token

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def caller(api: Api, gateway: Any, monkeypatch: pytest.MonkeyPatch) -> Caller:
    from taskai import bootstrap
    from taskai.config import get_settings

    monkeypatch.setenv("WEBHOOK_ALLOW_HOSTS", WEBHOOK_HOST)
    monkeypatch.setenv("STREAM_LIFETIME_S", "0.05")  # live push: a stream answers, then ends
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "A" * 42 + "E")  # Web Push on, with a database too
    monkeypatch.setenv("VAPID_SUBJECT", "mailto:ops@example.com")
    monkeypatch.setenv("PUSH_ALLOW_HOSTS", WEBHOOK_HOST)  # push endpoints follow the same rules
    bootstrap.push_sender.cache_clear()
    get_settings.cache_clear()
    bootstrap.webhook_sender.cache_clear()
    GATEWAY.app = gateway
    CALLER.start(api)
    return CALLER


@schema.parametrize()
@FUZZ
def test_every_operation_answers_as_its_schema_says(case: Any, caller: Caller) -> None:
    response = case.call()
    caller.after(case, response)
    case.validate_response(response)


def test_call_sequences_along_the_links_answer_as_the_schema_says(
    caller: Caller, database: str
) -> None:
    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            caller.start(caller.api)  # each sequence as a new user

        def after_call(self, response: Any, case: Any) -> None:
            caller.after(case, response)

    started = time.monotonic()
    Sequences.run(
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            # Ids differ from run to run, so a replayed sequence draws differently: no shrinking.
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
    assert time.monotonic() - started < 120


def test_the_served_document_is_the_one_fuzzed(api: Api) -> None:
    assert api.get("/api/openapi.json").json == document()


def test_every_operation_is_fuzzed() -> None:
    fuzzed = {result.ok().definition.raw["operationId"] for result in schema.get_all_operations()}
    ids = {op["operationId"] for path in document()["paths"].values() for op in path.values()}
    assert fuzzed == ids
