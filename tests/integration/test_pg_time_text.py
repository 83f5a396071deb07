"""PostgreSQL writes a task body's times as pydantic does (task_json.iso is the oracle), in the
zone its transaction was given, through offsets of every shape: half hours, negative, DST,
and the local mean times of the 1800s, with and without microseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, bindparam, select

from support import POSTGRES_URL, need
from taskai.adapters import task_json
from taskai.adapters.db import make_engine

ZONES = [
    "UTC", "Europe/London", "Europe/Amsterdam", "Africa/Abidjan", "America/St_Johns",
    "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/New_York", "Asia/Kathmandu",
]  # fmt: skip
MOMENTS = [
    datetime(1850, 6, 1, 12, 0, tzinfo=UTC),  # local mean time: offsets in seconds
    datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2031, 3, 30, 0, 59, 59, 999999, tzinfo=UTC),  # DST changes in Europe
    datetime(2031, 3, 30, 1, 0, tzinfo=UTC),
    datetime(2031, 11, 2, 6, 30, 0, 500000, tzinfo=UTC),
    datetime(2031, 4, 5, 15, 0, tzinfo=UTC),  # Lord Howe's half-hour DST
]


def test_times_are_written_in_the_transactions_zone_as_pydantic_writes_them() -> None:
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    moment = bindparam("moment", type_=DateTime(timezone=True))
    statement = select(task_json._pg_iso(moment))
    engine = make_engine(POSTGRES_URL, pool_size=1)
    try:
        for zone in ZONES:
            with engine.connect() as conn:
                task_json.in_zone(conn, zone)
                for at in MOMENTS + [m + timedelta(hours=h) for m in MOMENTS for h in (6, 12)]:
                    written = conn.execute(statement, {"moment": at}).scalar_one()
                    assert written == task_json.iso(at.astimezone(ZoneInfo(zone))), (zone, at)
    finally:
        engine.dispose()


def test_a_new_transaction_is_given_its_zone_again() -> None:
    # The zone is the transaction's (set_config's is_local): the next one starts from the
    # server's, and in_zone must not take it for set.
    need("postgres", bool(POSTGRES_URL), "TEST_DATABASE_URL is not set")
    statement = select(task_json._pg_iso(bindparam("at", type_=DateTime(timezone=True))))
    at = datetime(2031, 1, 31, 14, 0, tzinfo=UTC)
    engine = make_engine(POSTGRES_URL, pool_size=1)
    try:
        for _ in range(2):
            with engine.connect() as conn:
                task_json.in_zone(conn, "Asia/Kolkata")
                assert (
                    conn.execute(statement, {"at": at}).scalar_one() == "2031-01-31T19:30:00+05:30"
                )
    finally:
        engine.dispose()
