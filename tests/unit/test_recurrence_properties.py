"""Properties of Recurrence.next_due, with dateutil's own rrulestr as the oracle."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from taskai.domain.recurrence import Recurrence

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MONTH_DAYS = [*range(1, 29), *range(-28, 0)]  # 29..31 would be month-end adjusted
OCCURRENCES = 8
FAST = settings(max_examples=150, deadline=None)


@st.composite
def rules(draw: st.DrawFn) -> str:
    """A valid rule that matches often enough for the oracle to list it quickly."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    filters = draw(st.sets(st.sampled_from(["BYMONTH", "BYMONTHDAY", "BYDAY"]), max_size=2))
    if freq == "WEEKLY":
        filters.discard("BYMONTHDAY")  # RFC 5545 forbids it
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if "BYMONTH" in filters:
        months = draw(st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True))
        parts.append("BYMONTH=" + ",".join(map(str, months)))
    if "BYMONTHDAY" in filters:
        days = draw(st.lists(st.sampled_from(MONTH_DAYS), min_size=1, max_size=3, unique=True))
        parts.append("BYMONTHDAY=" + ",".join(map(str, days)))
    if "BYDAY" in filters:
        parts.append("BYDAY=" + draw(bydays(freq, "BYMONTH" in filters, "BYMONTHDAY" in filters)))
    with_setpos = draw(st.booleans())
    if filters and with_setpos:
        parts.append("BYSETPOS=" + draw(st.sampled_from(["1", "-1", "1,-1"])))
    if draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(WEEKDAYS))}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(1, OCCURRENCES))}")
    return ";".join(draw(st.permutations(parts)))


@st.composite
def bydays(draw: st.DrawFn, freq: str, has_bymonth: bool, has_bymonthday: bool) -> str:
    """BYDAY items; ordinals only where RFC 5545 allows them and they always exist."""
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
    if freq not in ("MONTHLY", "YEARLY") or has_bymonthday or not draw(st.booleans()):
        return ",".join(days)
    limit = 52 if freq == "YEARLY" and not has_bymonth else 4
    ordinal = st.sampled_from([*range(-limit, 0), *range(1, limit + 1)])
    return ",".join(f"{draw(ordinal)}{day}" for day in days)


series_starts = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)).map(
    lambda moment: moment.replace(day=min(moment.day, 28), microsecond=0)
)


def walk(recurrence: Recurrence, start: datetime, done: int, limit: int) -> list[datetime]:
    """next_due repeatedly from `start`, itself occurrence number `done` (0: not an occurrence)."""
    seen: list[datetime] = []
    due = start
    while done + len(seen) < limit:
        following = recurrence.next_due(
            series_start=start,
            previous_due=due,
            completed_at=due,
            tz="UTC",
            occurrence=done + len(seen),
        )
        if following is None:
            break
        seen.append(following)
        due = following
    return seen


@settings(max_examples=400, deadline=None)
@given(rule=rules(), naive_start=series_starts)
def test_walking_next_due_in_utc_gives_exactly_the_dateutil_sequence(
    rule: str, naive_start: datetime
) -> None:
    expected = list(islice(rrulestr(rule, dtstart=naive_start), OCCURRENCES + 1))
    start = naive_start.replace(tzinfo=UTC)
    seen = [start] if expected[:1] == [naive_start] else []
    seen += walk(Recurrence.parse(rule), start, done=len(seen), limit=OCCURRENCES + 1)
    assert [moment.replace(tzinfo=None) for moment in seen] == expected
    assert all(moment.tzinfo is UTC for moment in seen)


@FAST
@given(rule=rules())
def test_a_normalized_rule_parses_to_itself_and_can_be_described(rule: str) -> None:
    recurrence = Recurrence.parse(rule.lower())
    assert Recurrence.parse(recurrence.rule) == recurrence
    assert recurrence.describe().startswith("every ")


def exists(day: date, wall_time: datetime, zone: ZoneInfo) -> bool:
    """Whether that local wall time exists on that day (it is not in a spring-forward gap)."""
    moment = datetime.combine(day, wall_time.time(), tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone).time() == wall_time.time()


@FAST
@given(
    tz=st.sampled_from(["America/New_York", "Europe/Berlin"]),
    month=st.sampled_from([(2024, 3), (2024, 10), (2025, 3), (2025, 11), (2026, 10)]),
    day=st.integers(1, 28),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 3),
)
def test_daily_and_weekly_tasks_keep_their_wall_clock_time_across_dst(
    tz: str, month: tuple[int, int], day: int, hour: int, minute: int, freq: str, interval: int
) -> None:
    zone = ZoneInfo(tz)
    start = datetime(*month, day, hour, minute, tzinfo=zone).astimezone(UTC).astimezone(zone)
    step = timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
    recurrence = Recurrence.parse(f"FREQ={freq};INTERVAL={interval}")
    due = start
    for number in range(1, 10):
        following = recurrence.next_due(
            series_start=start, previous_due=due, completed_at=due, tz=tz, occurrence=number
        )
        assert following is not None
        wall = following.astimezone(zone)
        assert wall.date() == start.date() + number * step
        expected_hour = start.hour if exists(wall.date(), start, zone) else start.hour + 1
        assert (wall.hour, wall.minute) == (expected_hour, start.minute)
        due = following


@FAST
@given(
    start=series_starts,
    late_by=st.timedeltas(min_value=timedelta(days=-20), max_value=timedelta(days=60)),
    interval=st.integers(1, 30),
    unit=st.sampled_from(["DAILY", "WEEKLY"]),
)
def test_from_completion_a_plain_interval_counts_from_the_completion_date(
    start: datetime, late_by: timedelta, interval: int, unit: str
) -> None:
    start = start.replace(tzinfo=UTC)
    done = start + timedelta(days=40) + late_by
    recurrence = Recurrence.parse(f"FREQ={unit};INTERVAL={interval}", anchor="completion")
    following = recurrence.next_due(
        series_start=start,
        previous_due=start + timedelta(days=40),
        completed_at=done,
        tz="UTC",
        occurrence=1,
    )
    assert following is not None
    days = interval * (7 if unit == "WEEKLY" else 1)
    assert following.date() == done.date() + timedelta(days=days)
    assert following.time() == start.time()


def on_day_or_month_end(moment: datetime, months_later: int, day: int) -> datetime:
    """The same time `months_later` months on, on `day` or on that month's last day."""
    year, month = divmod(moment.month - 1 + months_later, 12)
    year, month = moment.year + year, month + 1
    return moment.replace(year=year, month=month, day=min(day, monthrange(year, month)[1]))


@FAST
@given(
    start=series_starts, day=st.integers(29, 31), interval=st.integers(1, 5), explicit=st.booleans()
)
def test_a_monthly_task_on_day_29_to_31_lands_on_that_day_or_the_last_day_of_every_month(
    start: datetime, day: int, interval: int, explicit: bool
) -> None:
    rule = f"FREQ=MONTHLY;INTERVAL={interval}" + (f";BYMONTHDAY={day}" if explicit else "")
    # an explicit day starts matching in the start month; an implied one is the start's own day
    series_start = start.replace(day=1) if explicit else start.replace(month=1, day=day)
    series_start = series_start.replace(tzinfo=UTC)
    first = 0 if explicit else 1
    seen = walk(Recurrence.parse(rule), series_start, done=0, limit=12)
    months = range(first, first + 12)
    assert seen == [on_day_or_month_end(series_start, interval * n, day) for n in months]


@settings(max_examples=300, deadline=None)
@given(
    rule=rules(),
    naive_start=series_starts,
    late_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40 * 366)),
)
def test_a_task_completed_years_late_gets_the_first_date_after_its_completion(
    rule: str, naive_start: datetime, late_by: timedelta
) -> None:
    recurrence = Recurrence.parse(rule)
    endless = ";".join(part for part in rule.split(";") if not part.startswith("COUNT"))
    expected = rrulestr(endless, dtstart=naive_start).after(naive_start + late_by)
    start, done = naive_start.replace(tzinfo=UTC), (naive_start + late_by).replace(tzinfo=UTC)
    following = recurrence.next_due(
        series_start=start, previous_due=start, completed_at=done, tz="UTC", occurrence=0
    )
    assert following == (expected and expected.replace(tzinfo=UTC))
