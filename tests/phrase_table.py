"""The quick-add phrase table: phrases in four languages and several zones, each with its draft.

Every phrase is read at Sunday 2026-11-29 22:23 wall time in its zone (the moment of issue 19's
report), so "tomorrow" is Monday the 30th everywhere. ``due`` is a wall time in the row's zone.
The same rows check the rule parser (tests/unit) and the OpenAI path through the stand-in
(tests/functions), whose answers go through the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

NY = "America/New_York"
SYDNEY = "Australia/Sydney"  # southern hemisphere: summer time in November
KOLKATA = "Asia/Kolkata"  # a half-hour zone
BERLIN = "Europe/Berlin"
MADRID = "Europe/Madrid"
PARIS = "Europe/Paris"
SAO_PAULO = "America/Sao_Paulo"
WORKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
UNSET: Any = object()


def now_in(tz: str) -> datetime:
    """Return the table's fixed moment: Sunday 2026-11-29 22:23 wall time in ``tz``."""
    return datetime(2026, 11, 29, 22, 23, tzinfo=ZoneInfo(tz))


@dataclass(frozen=True)
class Row:
    """One phrase and the draft fields it must read into (UNSET fields are not checked)."""

    language: str
    text: str
    tz: str = NY
    title: Any = UNSET
    due: Any = UNSET  # (year, month, day, hour, minute) wall time in ``tz``, or None
    rule: Any = UNSET  # the RRULE body, or None
    anchor: str = "due"
    priority: Any = UNSET
    tags: Any = UNSET
    reminders: Any = UNSET
    note: str | None = None  # a fragment one of the notes must contain
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return now_in(self.tz)

    def due_at(self) -> datetime | None:
        """Return the expected due date as an aware datetime, or None."""
        return None if self.due is None else datetime(*self.due, tzinfo=ZoneInfo(self.tz))

    def expected(self) -> dict[str, Any]:
        """Return the checked draft fields by name."""
        found: dict[str, Any] = {}
        for name in ("title", "priority", "tags", "reminders"):
            if getattr(self, name) is not UNSET:
                found[name] = getattr(self, name)
        if self.due is not UNSET:
            found["due_date"] = self.due_at()
        if self.rule is not UNSET:
            found["recurrence"] = self.rule and {"rule": self.rule, "anchor": self.anchor}
        return found


def en(text: str, **expected: Any) -> Row:
    return Row("en", text, **expected)


def de(text: str, **expected: Any) -> Row:
    return Row("de", text, **expected)


def es(text: str, **expected: Any) -> Row:
    return Row("es", text, **expected)


def fr(text: str, **expected: Any) -> Row:
    return Row("fr", text, **expected)


D = tuple[int, int, int, int, int]


def nov(day: int, hour: int = 9, minute: int = 0) -> D:
    return (2026, 11, day, hour, minute)


def dec(day: int, hour: int = 9, minute: int = 0) -> D:
    return (2026, 12, day, hour, minute)


# The phrases of issue 19, then each kind of fault with its siblings.
ISSUE = [
    en("Dentist the day after tomorrow", title="Dentist", due=dec(1)),
    en("Train tomorrow at half past 6pm", title="Train", due=nov(30, 18, 30)),
    en("Train tomorrow quarter to 5pm", title="Train", due=nov(30, 16, 45)),
    en("Pay invoice end of month", title="Pay invoice", due=nov(30)),
    en("Pay invoice last day of the month", title="Pay invoice", due=nov(30)),
    en("Pay invoice by the end of the month", title="Pay invoice", due=nov(30)),
    en("Gym Sun 9am", title="Gym", due=dec(6), note="quote it"),
    en("Gym fri 9am", title="Gym", due=dec(4)),
    en("Gym sat 10am", title="Gym", due=dec(5, 10)),
    en("Webinar tomorrow 5pm PST", title="Webinar", due=nov(30, 20)),
    en("Webinar tomorrow 5pm UTC", title="Webinar", due=nov(30, 12)),
    en("Standup daily except weekends", title="Standup", rule=WORKDAYS, due=nov(30)),
    en(
        "Standup every weekday except friday",
        title="Standup",
        rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        due=nov(30),
    ),
    en("Meet the 15th of next month", title="Meet", due=dec(15)),
]

STILL_WORKING = [
    en("Lunch tomorrow at 12pm", title="Lunch", due=nov(30, 12)),
    en("Call tomorrow at 12am", title="Call", due=nov(30, 0)),
    en("Lunch tomorrow at noon", title="Lunch", due=nov(30, 12)),
    en("Review in 2 weeks", title="Review", due=dec(13)),
    en("Dentist friday", title="Dentist", due=dec(4), note="quote it"),
    en("Launch March 3rd", title="Launch", due=(2027, 3, 3, 9, 0)),
    en("Pay 3/4", title="Pay", due=(2027, 3, 4, 9, 0)),
    en("Pay 13/4", title="Pay 13/4", due=None, note="not a valid date"),
    en("Call May", title="Call May", due=None),
    en("Read 1984", title="Read 1984", due=None),
    en('"Meet on friday" tomorrow', title="Meet on friday", due=nov(30)),
    en("Review every other week", title="Review", rule="FREQ=WEEKLY;INTERVAL=2"),
    en("Ship it (#work) tomorrow", title="Ship it", tags=["work"], due=nov(30)),
    en("Ship it, #work.", tags=["work"]),
    en("Learn C# tomorrow", title="Learn C#", due=nov(30)),
    en("🎉 Party tomorrow 🎂", title="🎉 Party 🎂", due=nov(30)),
    en(
        "Pay rent every month on the 1st at 9am #home !high remind me 1 day before",
        title="Pay rent",
        due=dec(1),
        rule="FREQ=MONTHLY;BYMONTHDAY=1",
        priority="high",
        tags=["home"],
        reminders=[{"minutes_before": 1440}],
    ),
    en("Fix bug p1 #work tomorrow 10am", title="Fix bug", priority="urgent", due=nov(30, 10)),
    en("Water plants every! 3 days", rule="FREQ=DAILY;INTERVAL=3", anchor="completion"),
    en("Team lunch every last friday at noon", rule="FREQ=MONTHLY;BYDAY=-1FR", due=dec(25, 12)),
    en("Standup every weekday at 9:30", rule=WORKDAYS, due=nov(30, 9, 30)),
    en("Call mom remind me in 2 hours", title="Call mom", reminders=[{"at": nov(30, 0, 23)}]),
    en("Buy milk", title="Buy milk", due=None, rule=None, priority=None, tags=[]),
]

RELATIVE_DAYS = [
    en("Dentist day after tomorrow", title="Dentist", due=dec(1)),
    en("Dentist overmorrow", title="Dentist", due=dec(1)),
    en("Call tommorow", title="Call", due=nov(30)),
    en("Call tomorow at 3pm", title="Call", due=nov(30, 15)),
    en("Call tmrw", title="Call", due=nov(30)),
    en("Call 3 days from now", title="Call", due=dec(2)),
    en("Call a week from today", title="Call", due=dec(6)),
    en("Call two weeks from tomorrow", title="Call", due=dec(14)),
    en("Visit in a fortnight", title="Visit", due=dec(13)),
    en("Check oven in 2 hours", title="Check oven", due=nov(30, 0, 23)),
    en("Call in 3 days", title="Call", due=dec(2)),
    en("Meet next friday", title="Meet", due=dec(4), note="the one after is 2026-12-11"),
    en("Meet next monday", title="Meet", due=nov(30), note="2026-12-07"),
    en("Plan trip next week", title="Plan trip", due=nov(30)),
    en("Pay bills next month", title="Pay bills", due=dec(1)),
]

WORD_TIMES = [
    en("Call tomorrow at quarter past 9", title="Call", due=nov(30, 9, 15)),
    en("Call tomorrow at ten to 3pm", title="Call", due=nov(30, 14, 50)),
    en("Call tomorrow at 20 past 4pm", title="Call", due=nov(30, 16, 20)),
    en("Call tomorrow at half past 7", title="Call", due=nov(30, 19, 30), note="19:30"),
    en("Call tomorrow at quarter past noon", title="Call", due=nov(30, 12, 15)),
    en("Lunch tomorrow at 12 noon", title="Lunch", due=nov(30, 12)),
    en("Deploy tomorrow at 12 midnight", title="Deploy", due=nov(30, 23, 59)),
    en("Deploy tomorrow at midnight", title="Deploy", due=nov(30, 23, 59)),
    en("Call tomorrow five o'clock", title="Call", due=nov(30, 17), note="17:00"),
    en("Call tomorrow at 5 in the afternoon", title="Call", due=nov(30, 17)),
    en("Party tomorrow 9 at night", title="Party", due=nov(30, 21)),
    en("Run tomorrow 7 in the morning", title="Run", due=nov(30, 7)),
    en("Call tomorrow 5.30pm", title="Call", due=nov(30, 17, 30)),
    en("Call tomorrow 17h30", title="Call", due=nov(30, 17, 30)),
    en("Count 5 to 10", title="Count 5 to 10", due=None),
    en("Cut the cake in half", title="Cut the cake in half", due=None),
]

PERIOD_ENDS = [
    en("Report end of the week", title="Report", due=nov(29, 23, 59), note="09:00"),
    en("Report end of next week", title="Report", due=dec(6)),
    en("Report end of the quarter", title="Report", due=dec(31)),
    en("Report end of the year", title="Report", due=dec(31)),
    en("Report eom", title="Report", due=nov(30)),
    en("Report by the end of next month", title="Report", due=dec(31)),
    en("Report last day of the year", title="Report", due=dec(31)),
    en("Report end of february", title="Report", due=(2027, 2, 28, 9, 0)),
    en("Report at the end of the month", title="Report", due=nov(30)),
    en("Meet the first of next month", title="Meet", due=dec(1)),
    en("Meet the last day of next month", title="Meet", due=dec(31)),
    en("Meet next month on the 3rd", title="Meet", due=dec(3)),
    en("Meet 1st of next month", title="Meet", due=dec(1)),
    en("Meet on the 15th", title="Meet", due=dec(15)),
    en("Meet the 20th of the month", title="Meet", due=dec(20)),
]

WEEKDAY_AND_MONTH_NAMES = [
    en("Gym Mon 7am", title="Gym", due=nov(30, 7)),
    en("Gym tue 6pm", title="Gym", due=dec(1, 18)),
    en("Gym on thurs", title="Gym", due=dec(3)),
    en("Gym wensday", title="Gym", due=dec(2), note="quote it"),
    en("Gym thrusday 6pm", title="Gym", due=dec(3, 18)),
    en("Gym on weds", title="Gym", due=dec(2)),
    en("Gym 7am sat", title="Gym", due=dec(5, 7)),
    en("Launch febuary 3", title="Launch", due=(2027, 2, 3, 9, 0)),
    en("Launch sept 9", title="Launch", due=(2027, 9, 9, 9, 0)),
    en("Launch Dec. 24", title="Launch", due=dec(24)),
    en("Launch 24 dec", title="Launch", due=dec(24)),
    en("Sat exam prep", title="Sat exam prep", due=None),
    en("Enjoy the sun", title="Enjoy the sun", due=None),
    en("Review monday report", title="Review report", due=nov(30), note="quote it"),
]

TIME_ZONES = [
    en("Call tomorrow 5pm EST", title="Call", due=nov(30, 17)),
    en("Call tomorrow 9am CET", title="Call", due=nov(30, 3)),
    en("Call tomorrow 9am IST", title="Call", due=nov(29, 22, 30), note="Israel"),
    en("Call tomorrow 5pm UTC+2", title="Call", due=nov(30, 10)),
    en("Call tomorrow 5pm GMT-3", title="Call", due=nov(30, 15)),
    en("Call tomorrow 6pm AEDT", title="Call", due=nov(30, 2)),
    en("Call tomorrow 5pm XST", due=nov(30, 17), note="not a time zone"),
    en("Call tomorrow 9am Pacific time", title="Call", due=nov(30, 12)),
    en("Call tomorrow at 5pm PT", title="Call", due=nov(30, 20)),
    en("Book CT scan tomorrow", title="Book CT scan", due=nov(30)),
    en("Call on july 3 at 5pm PST", title="Call", due=(2027, 7, 3, 20, 0), note="PDT"),
    en("Call 5pm UTC", title="Call", due=nov(30, 12)),
]

EXCLUSIONS = [
    en("Run every day except sunday", rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", due=nov(30)),
    en(
        "Run every weekday but friday at 7am",
        title="Run",
        rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        due=nov(30, 7),
    ),
    en("Run daily except weekends at 6am", title="Run", rule=WORKDAYS, due=nov(30, 6)),
    en("Run every day but weekends", title="Run", rule=WORKDAYS),
    en("Yoga every mon, wed and fri except fri", title="Yoga", rule="FREQ=WEEKLY;BYDAY=MO,WE"),
    en(
        "Run every day except sunday and wednesday",
        rule="FREQ=WEEKLY;BYDAY=MO,TU,TH,FR,SA",
        due=nov(30),
    ),
    en("Walk every day except weekdays", title="Walk", rule="FREQ=WEEKLY;BYDAY=SA,SU", due=dec(5)),
]

OTHER_ZONES = [
    Row("en", "Call tomorrow 9am", SYDNEY, title="Call", due=nov(30)),
    Row("en", "BBQ end of month", SYDNEY, title="BBQ", due=nov(30)),
    Row("en", "Call tomorrow 5pm PST", SYDNEY, title="Call", due=dec(1, 12)),
    Row("en", "Meet the 15th of next month", SYDNEY, due=dec(15)),
    Row("en", "Gym sat 10am", SYDNEY, title="Gym", due=dec(5, 10)),
    Row("en", "Flight on april 5 at 9am", SYDNEY, due=(2027, 4, 5, 9, 0)),
    Row("en", "Standup daily except weekends", SYDNEY, rule=WORKDAYS, due=nov(30)),
    Row("en", "Call tomorrow at half past 6pm", KOLKATA, title="Call", due=nov(30, 18, 30)),
    Row("en", "Call tomorrow 9am UTC", KOLKATA, title="Call", due=nov(30, 14, 30)),
    Row("en", "Call tomorrow 5pm PST", KOLKATA, title="Call", due=dec(1, 6, 30)),
    Row("en", "Pay end of the quarter", KOLKATA, title="Pay", due=dec(31)),
    Row("en", "Call tomorrow 10am IST", KOLKATA, title="Call", due=nov(30, 10)),
    Row("en", "Pay day after tomorrow", SAO_PAULO, title="Pay", due=dec(1)),
    Row("en", "Call tomorrow 5pm EST", SAO_PAULO, title="Call", due=nov(30, 19)),
]

ENGLISH = (
    ISSUE
    + STILL_WORKING
    + RELATIVE_DAYS
    + WORD_TIMES
    + PERIOD_ENDS
    + WEEKDAY_AND_MONTH_NAMES
    + TIME_ZONES
    + EXCLUSIONS
    + OTHER_ZONES
)
TABLE: list[Row] = ENGLISH
