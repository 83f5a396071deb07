"""Quick-add rule parser: each phrase reads into the expected draft fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskai.domain.quickadd import Draft, parse
from taskai.errors import InvalidInput

NY = "America/New_York"
BERLIN = "Europe/Berlin"
NOW = datetime(2031, 1, 15, 10, 0, tzinfo=ZoneInfo(NY))  # a Wednesday


def at(year: int, month: int, day: int, hour: int, minute: int = 0, *, tz: str = NY) -> datetime:
    """Return an aware wall-clock datetime in ``tz``."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def day(year: int, month: int, day: int, *, tz: str = NY) -> datetime:
    """Return the expected due date of an all-day task: the start of that day in ``tz``."""
    return AllDay(year, month, day, tzinfo=ZoneInfo(tz))


class AllDay(datetime):
    """An expected due date that is all-day (a date named without a time)."""


def case(text: str, *, now: datetime = NOW, tz: str = NY, **expected: Any) -> Any:
    """Return one table row: the phrase, the clock it is read at, and the fields to check."""
    return pytest.param(text, now, tz, expected, id=text.replace("\n", "\\n"))


def rule(body: str, anchor: str = "due") -> dict[str, str]:
    """Return the expected recurrence field."""
    return {"rule": body, "anchor": anchor}


EVENING = datetime(2031, 1, 15, 18, 0, tzinfo=ZoneInfo(NY))
BEFORE_SPRING_FORWARD = datetime(2031, 3, 8, 12, 0, tzinfo=ZoneInfo(NY))
NIGHT_OF_SPRING_FORWARD = datetime(2031, 3, 9, 1, 30, tzinfo=ZoneInfo(NY))
BERLIN_NOW = datetime(2031, 1, 15, 10, 0, tzinfo=ZoneInfo(BERLIN))
UTC_NOW = datetime(2031, 1, 15, 10, 0, tzinfo=UTC)
LATE_IN_NEW_YORK = datetime(2031, 1, 16, 3, 0, tzinfo=UTC)  # 22:00 on the 15th in New York
WORKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

DATES_AND_TIMES = [
    case("Buy milk today", title="Buy milk", due_date=day(2031, 1, 15)),
    case("Buy milk today at 6pm", title="Buy milk", due_date=at(2031, 1, 15, 18)),
    case("Movie tonight", title="Movie", due_date=at(2031, 1, 15, 20)),
    case("Dinner tonight at 9", title="Dinner", due_date=at(2031, 1, 15, 21)),
    case("Call mom tomorrow", title="Call mom", due_date=day(2031, 1, 16)),
    case("Call mom tmr", title="Call mom", due_date=day(2031, 1, 16)),
    case("Call mom TMRW at 3pm", title="Call mom", due_date=at(2031, 1, 16, 15)),
    case("Dentist friday", title="Dentist", due_date=day(2031, 1, 17), note="'friday'"),
    case("Dentist next friday", due_date=day(2031, 1, 24), note="in next week"),
    case("Dentist next monday", title="Dentist", due_date=day(2031, 1, 20)),
    case("Dentist this friday", title="Dentist", due_date=day(2031, 1, 17)),
    case("Dentist on wed", title="Dentist", due_date=day(2031, 1, 22)),
    case("Standup wednesday", title="Standup", due_date=day(2031, 1, 22)),
    case("Standup this wednesday at 4pm", title="Standup", due_date=at(2031, 1, 15, 16)),
    case("Sat exam prep", title="Sat exam prep", due_date=None),
    case("Clean garage this weekend", title="Clean garage", due_date=day(2031, 1, 18)),
    case("Plan trip next week", title="Plan trip", due_date=day(2031, 1, 20)),
    case("Pay bills next month", title="Pay bills", due_date=day(2031, 2, 1)),
    case("Renew passport in 3 days", title="Renew passport", due_date=day(2031, 1, 18)),
    case("Check oven in 2 hours", title="Check oven", due_date=at(2031, 1, 15, 12)),
    case("Check oven in 30 minutes", title="Check oven", due_date=at(2031, 1, 15, 10, 30)),
    case("Take pill in half an hour", title="Take pill", due_date=at(2031, 1, 15, 10, 30)),
    case("Follow up in 2 weeks", title="Follow up", due_date=day(2031, 1, 29)),
    case("Follow up in a week", title="Follow up", due_date=day(2031, 1, 22)),
    case("Launch on march 3", title="Launch", due_date=day(2031, 3, 3)),
    case("Launch March 3rd", title="Launch", due_date=day(2031, 3, 3)),
    case("Launch 3 march", title="Launch", due_date=day(2031, 3, 3)),
    case("Launch 15 march", title="Launch", due_date=day(2031, 3, 15)),
    case("Launch 3/15", title="Launch", due_date=day(2031, 3, 15)),
    case("Launch 3/15/32", title="Launch", due_date=day(2032, 3, 15)),
    case("Launch march 3, 2032", title="Launch", due_date=day(2032, 3, 3)),
    case("Launch 2031-01-31", title="Launch", due_date=day(2031, 1, 31)),
    case("Launch jan 10", title="Launch", due_date=day(2032, 1, 10)),
    case("Launch feb 29", title="Launch", due_date=day(2032, 2, 29)),
    case("Standup at 9:30", title="Standup", due_date=at(2031, 1, 16, 9, 30), note="passed"),
    case("Standup 10:30am", title="Standup", due_date=at(2031, 1, 15, 10, 30)),
    case("Standup 5pm", title="Standup", due_date=at(2031, 1, 15, 17)),
    case("Standup 17:00", title="Standup", due_date=at(2031, 1, 15, 17)),
    case("Lunch at noon", title="Lunch", due_date=at(2031, 1, 15, 12)),
    case("Deploy by midnight", title="Deploy", due_date=at(2031, 1, 15, 23, 59)),
    case("Send report eod", title="Send report", due_date=at(2031, 1, 15, 17)),
    case("Send report by end of day", title="Send report", due_date=at(2031, 1, 15, 17)),
    case("Call tomorrow morning", title="Call", due_date=at(2031, 1, 16, 9)),
    case("Call friday afternoon", title="Call", due_date=at(2031, 1, 17, 15)),
    case("Drinks friday evening at 8", title="Drinks", due_date=at(2031, 1, 17, 20)),
    case("Read this evening", title="Read", due_date=at(2031, 1, 15, 19)),
    case("Stretch in the morning", title="Stretch", due_date=at(2031, 1, 16, 9)),
    case("Dinner tomorrow at 7", due_date=at(2031, 1, 16, 19), note="as 19:00"),
    case("Breakfast tomorrow morning at 7", title="Breakfast", due_date=at(2031, 1, 16, 7)),
    case("Submit report by friday 5pm", title="Submit report", due_date=at(2031, 1, 17, 17)),
    case("at 5pm call the bank", title="call the bank", due_date=at(2031, 1, 15, 17)),
    case("Call @ 4pm", title="Call", due_date=at(2031, 1, 15, 16)),
    case("Pay invoice due 2/28", title="Pay invoice", due_date=day(2031, 2, 28)),
    case("Call the bank 5pm", now=EVENING, due_date=at(2031, 1, 16, 17), note="passed"),
    case("Call the bank at 9am", title="Call the bank", due_date=at(2031, 1, 16, 9)),
]

RECURRENCES = [
    case("Water plants every day", recurrence=rule("FREQ=DAILY"), due_date=day(2031, 1, 15)),
    case("Water plants daily at 8pm", recurrence=rule("FREQ=DAILY"), due_date=at(2031, 1, 15, 20)),
    case(
        "Standup every weekday at 9:30", recurrence=rule(WORKDAYS), due_date=at(2031, 1, 16, 9, 30)
    ),
    case(
        "Gym every monday at 7am",
        recurrence=rule("FREQ=WEEKLY;BYDAY=MO"),
        due_date=at(2031, 1, 20, 7),
    ),
    case("Review every 2 weeks", title="Review", recurrence=rule("FREQ=WEEKLY;INTERVAL=2")),
    case("Review every other week", title="Review", recurrence=rule("FREQ=WEEKLY;INTERVAL=2")),
    case(
        "Pay every month on the 15th",
        recurrence=rule("FREQ=MONTHLY;BYMONTHDAY=15"),
        due_date=day(2031, 1, 15),
    ),
    case(
        "Pay every month on the 1st",
        recurrence=rule("FREQ=MONTHLY;BYMONTHDAY=1"),
        due_date=day(2031, 2, 1),
    ),
    case(
        "Team lunch every last friday",
        title="Team lunch",
        recurrence=rule("FREQ=MONTHLY;BYDAY=-1FR"),
        due_date=day(2031, 1, 31),
    ),
    case(
        "Board meeting every first monday",
        recurrence=rule("FREQ=MONTHLY;BYDAY=1MO"),
        due_date=day(2031, 2, 3),
    ),
    case("Birthday every year", title="Birthday", recurrence=rule("FREQ=YEARLY")),
    case(
        "Mom's birthday yearly on march 3",
        title="Mom's birthday",
        recurrence=rule("FREQ=YEARLY"),
        due_date=day(2031, 3, 3),
    ),
    case("Taxes annually", title="Taxes", recurrence=rule("FREQ=YEARLY")),
    case("Report weekly", title="Report", recurrence=rule("FREQ=WEEKLY")),
    case("Report monthly", title="Report", recurrence=rule("FREQ=MONTHLY")),
    case("Backup every 3 days", title="Backup", recurrence=rule("FREQ=DAILY;INTERVAL=3")),
    case("Meditate every morning", recurrence=rule("FREQ=DAILY"), due_date=at(2031, 1, 16, 9)),
    case("Meditate every evening", recurrence=rule("FREQ=DAILY"), due_date=at(2031, 1, 15, 19)),
    case(
        "water plants every! 3 days",
        title="water plants",
        recurrence=rule("FREQ=DAILY;INTERVAL=3", "completion"),
        due_date=day(2031, 1, 15),
    ),
    case("Payroll every 15th", recurrence=rule("FREQ=MONTHLY;BYMONTHDAY=15")),
    case(
        "Standup every mon, wed and fri at 9am",
        recurrence=rule("FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        due_date=at(2031, 1, 17, 9),
    ),
    case(
        "Sync every other monday at 2pm",
        recurrence=rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        due_date=at(2031, 1, 20, 14),
    ),
    case(
        "Close books every month on the last day",
        title="Close books",
        recurrence=rule("FREQ=MONTHLY;BYMONTHDAY=-1"),
        due_date=day(2031, 1, 31),
    ),
    case("Read every chapter", title="Read every chapter", recurrence=None, due_date=None),
    case("Read every chapter every day", title="Read every chapter", recurrence=rule("FREQ=DAILY")),
]

PRIORITIES = [
    case("Fix bug !low", title="Fix bug", priority="low"),
    case("Fix bug !medium", title="Fix bug", priority="medium"),
    case("Fix bug !high", title="Fix bug", priority="high"),
    case("Fix bug !urgent", title="Fix bug", priority="urgent"),
    case("Fix bug !1", title="Fix bug", priority="urgent"),
    case("Fix bug !4", title="Fix bug", priority="low"),
    case("Fix bug !", title="Fix bug", priority="medium"),
    case("Fix bug !!", title="Fix bug", priority="high"),
    case("Fix bug !!!", title="Fix bug", priority="urgent"),
    case("Fix bug p1", title="Fix bug", priority="urgent"),
    case("Fix bug P2", title="Fix bug", priority="high"),
    case("Fix bug p3", title="Fix bug", priority="medium"),
    case("Fix bug p4", title="Fix bug", priority="low"),
    case("Urgent: fix server", title="fix server", priority="urgent"),
    case("Fix server ASAP", title="Fix server", priority="urgent"),
    case("Convert mp3 files", title="Convert mp3 files", priority=None),
    case("Call mom!", title="Call mom!", priority=None),
    case("Non-urgent cleanup", title="Non-urgent cleanup", priority=None),
    case("Fix server !high urgent", priority="high", note="Several priorities"),
    case('Listen to "Urgent" by Foreigner', title="Listen to Urgent by Foreigner", priority=None),
]

TAGS = [
    case(
        "Plan #work #Work #multi-word-tag #tag_with_underscore",
        title="Plan",
        tags=["work", "multi-word-tag", "tag_with_underscore"],
    ),
    case("Ship #Release-2 #release-2", title="Ship", tags=["Release-2"]),
    case("Read https://x.com/a#b", title="Read https://x.com/a#b", tags=[]),
    case(
        "Email bob@example.com about #budget", title="Email bob@example.com about", tags=["budget"]
    ),
    case("Fix issue #123", title="Fix issue #123", tags=[]),
    case("Learn C# basics", title="Learn C# basics", tags=[]),
]

FLIGHT = at(2031, 1, 17, 8)
REMINDERS = [
    case(
        "Flight friday 8am remind me 1 day before",
        due_date=FLIGHT,
        reminders=[{"minutes_before": 1440}],
    ),
    case("Flight friday 8am remind me an hour before", reminders=[{"minutes_before": 60}]),
    case("Flight friday 8am remind me 2 hours before", reminders=[{"minutes_before": 120}]),
    case("Flight friday 8am remind me 30 minutes before", reminders=[{"minutes_before": 30}]),
    case("Flight friday 8am remind me 1 week before", reminders=[{"minutes_before": 10080}]),
    case(
        "Flight friday 8am remind me 1 day and 2 hours before",
        title="Flight",
        reminders=[{"minutes_before": 1440}, {"minutes_before": 120}],
    ),
    case(
        "Flight friday 10am remind me at 8am",
        title="Flight",
        reminders=[{"at": at(2031, 1, 17, 8)}],
    ),
    case("Buy gift remind me at 11am", title="Buy gift", reminders=[{"at": at(2031, 1, 15, 11)}]),
    case("Buy gift remind me at 8am", due_date=None, reminders=[{"at": at(2031, 1, 16, 8)}]),
    case(
        "Buy gift remind me tomorrow at 9", title="Buy gift", reminders=[{"at": at(2031, 1, 16, 9)}]
    ),
    case("Call dentist remind me in 2 hours", reminders=[{"at": at(2031, 1, 15, 12)}]),
    case("remind me to call mom tomorrow at 5", title="call mom", due_date=at(2031, 1, 16, 17)),
]

TITLES_AND_TRICKS = [
    case('"Meet on friday" tomorrow', title="Meet on friday", due_date=day(2031, 1, 16)),
    case("“Monday blues” playlist", title="Monday blues playlist", due_date=None),
    case(
        'Read "The Day of the Jackal" by friday',
        title="Read The Day of the Jackal",
        due_date=day(2031, 1, 17),
    ),
    case('"Look at" tomorrow', title="Look at", due_date=day(2031, 1, 16)),
    case(
        "Review monday report", title="Review report", due_date=day(2031, 1, 20), note="quote it"
    ),
    case("Meet John on friday at the office", title="Meet John at the office"),
    case("Call mom, tomorrow, about the trip", title="Call mom, about the trip"),
    case("Submit report (due friday)", title="Submit report", due_date=day(2031, 1, 17)),
    case("tomorrow", title="tomorrow", due_date=day(2031, 1, 16)),
    case("Lunch tomorrow friday", title="Lunch friday", note="Several dates"),
    case("Add 1/2 cup sugar", title="Add 1/2 cup sugar", due_date=None),
    case("Party on feb 30", title="Party on feb 30", due_date=None, note="not a valid date"),
    case("Launch 13/45", title="Launch 13/45", due_date=None, note="not a valid date"),
    case("Plan party // bring snacks", title="Plan party", description="bring snacks"),
    case(
        "Plan party tomorrow\nBring snacks and drinks",
        title="Plan party",
        description="Bring snacks and drinks",
        due_date=day(2031, 1, 16),
    ),
    case("Plan party", description=None, source="rules", notes=[]),
]

ZONES_AND_DST = [
    case(
        "Deliver papers at 2:30am",
        now=BEFORE_SPRING_FORWARD,
        due_date=at(2031, 3, 9, 3, 30),
        note="does not exist",
    ),
    case("Flight march 9 at 9am", now=BEFORE_SPRING_FORWARD, due_date=at(2031, 3, 9, 9)),
    case("Check oven in 2 hours", now=NIGHT_OF_SPRING_FORWARD, due_date=at(2031, 3, 9, 4, 30)),
    case("Night shift nov 2 at 1:30am", due_date=at(2031, 11, 2, 1, 30), note="happens twice"),
    case(
        "Zahnarzt tomorrow at 14:00",
        now=BERLIN_NOW,
        tz=BERLIN,
        title="Zahnarzt",
        due_date=at(2031, 1, 16, 14, tz=BERLIN),
    ),
    case(
        "Anruf at 2:30am march 30",
        now=BERLIN_NOW,
        tz=BERLIN,
        due_date=at(2031, 3, 30, 3, 30, tz=BERLIN),
        note="does not exist",
    ),
    case(
        "Standup every weekday at 9",
        now=BERLIN_NOW,
        tz=BERLIN,
        recurrence=rule(WORKDAYS),
        due_date=at(2031, 1, 16, 9, tz=BERLIN),
    ),
    case("Deploy tomorrow at 17:00", now=UTC_NOW, tz="UTC", due_date=at(2031, 1, 16, 17, tz="UTC")),
    case("Pay 3/15", now=UTC_NOW, tz="UTC", due_date=day(2031, 3, 15, tz='UTC')),
    case("Pay today at 11pm", now=LATE_IN_NEW_YORK, due_date=at(2031, 1, 15, 23)),
]

ALL_CASES = DATES_AND_TIMES + RECURRENCES + PRIORITIES + TAGS + REMINDERS
ALL_CASES += TITLES_AND_TRICKS + ZONES_AND_DST


def assert_same_wall_time(actual: datetime | None, expected: datetime | None) -> None:
    """Assert the same instant and the same local wall-clock time."""
    assert actual == expected
    if actual and expected:
        assert actual.replace(tzinfo=None) == expected.replace(tzinfo=None)


@pytest.mark.parametrize(("text", "now", "tz", "expected"), ALL_CASES)
def test_each_phrase_reads_into_the_expected_fields(
    text: str, now: datetime, tz: str, expected: dict[str, Any]
) -> None:
    draft = parse(text, now=now, tz=tz)
    for name, value in expected.items():
        if name == "note":
            assert any(value in note for note in draft.notes), draft.notes
        elif name == "due_date":
            assert_same_wall_time(draft.due_date, value)
            assert draft.all_day == isinstance(value, AllDay), draft
        else:
            assert getattr(draft, name) == value, (name, draft)


def test_the_table_has_at_least_ninety_phrases() -> None:
    assert len(ALL_CASES) >= 90


def test_the_fixed_now_is_a_wednesday() -> None:
    assert NOW.strftime("%A") == "Wednesday"


def test_the_showcase_phrase_reads_into_a_complete_draft() -> None:
    text = "Pay rent every month on the 1st at 9am #home !high remind me 1 day before"
    assert parse(text, now=NOW, tz=NY) == Draft(
        title="Pay rent",
        due_date=at(2031, 2, 1, 9),
        priority="high",
        tags=["home"],
        recurrence=rule("FREQ=MONTHLY;BYMONTHDAY=1"),
        reminders=[{"minutes_before": 1440}],
    )


def test_the_gym_phrase_starts_on_the_next_monday_or_thursday() -> None:
    draft = parse("Gym every monday and thursday at 7am #health !high", now=NOW, tz=NY)
    assert draft == Draft(
        title="Gym",
        due_date=at(2031, 1, 16, 7),
        priority="high",
        tags=["health"],
        recurrence=rule("FREQ=WEEKLY;BYDAY=MO,TH"),
    )


def test_due_dates_carry_the_users_zone() -> None:
    draft = parse("Call tomorrow", now=UTC_NOW, tz=BERLIN)
    assert draft.due_date is not None
    assert draft.due_date.tzinfo == ZoneInfo(BERLIN)


def test_an_empty_phrase_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        parse("   ", now=NOW, tz=NY)


def test_a_naive_now_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        parse("Call tomorrow", now=datetime(2031, 1, 15, 10), tz=NY)


def test_an_unknown_zone_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        parse("Call tomorrow", now=NOW, tz="Mars/Olympus_Mons")


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=80).filter(lambda text: not text.isspace()))
def test_any_text_reads_into_a_draft_with_a_title(text: str) -> None:
    draft = parse(text, now=NOW, tz=NY)
    assert draft.title
    assert draft.due_date is None or draft.due_date.tzinfo is not None


KEYWORDS = (
    "buy", "milk", "every", "monday", "and", "thursday", "at", "7am", "tomorrow", "friday",
    "next", "in", "3", "days", "2", "hours", "remind", "me", "1", "day", "before", "#home",
    "!high", "p2", "urgent", "march", "3/15", "noon", "eod", "//", '"', "the", "1st", "!",
)  # fmt: skip
WORDS = st.sampled_from(KEYWORDS)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=12).map(" ".join))
def test_any_mix_of_keywords_reads_without_error(text: str) -> None:
    draft = parse(text, now=NOW, tz=NY)
    assert draft.title
