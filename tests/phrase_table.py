"""The quick-add phrase table: phrases in four languages and several zones, each with its draft.

Every phrase is read at Sunday 2026-11-29 22:23 wall time in its zone (the moment of issue 19's
report), so "tomorrow" is Monday the 30th everywhere. ``due`` is a wall time in the row's zone.
The same rows check the rule parser (tests/unit) and the OpenAI path through the stand-in
(tests/functions), whose answers go through the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from taskai.domain.quickadd import Draft

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
    due: Any = UNSET  # (year, month, day, hour, minute) wall time in ``tz``, (year, month, day)
    # of an all-day task (see all_day), or None
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
        """Return the expected due date as an aware datetime (the start of the day of an all-day
        one), or None."""
        return None if self.due is None else datetime(*self.due, tzinfo=ZoneInfo(self.tz))

    @property
    def all_day(self) -> bool:
        """Whether the row expects an all-day task (a due date without a time)."""
        return self.due is not UNSET and self.due is not None and len(self.due) == 3

    def expected(self) -> dict[str, Any]:
        """Return the checked draft fields by name."""
        found: dict[str, Any] = {}
        for name in ("title", "priority", "tags", "reminders"):
            if getattr(self, name) is not UNSET:
                found[name] = getattr(self, name)
        if self.due is not UNSET:
            found["due_date"] = self.due_at()
            found["all_day"] = self.all_day
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


D = tuple[int, ...]


def all_day(due: D) -> D:
    """The date of a wall time: a phrase naming a day without a time is all-day (#16)."""
    return due[:3]


def nov(day: int, hour: int = 9, minute: int = 0) -> D:
    return (2026, 11, day, hour, minute)


def dec(day: int, hour: int = 9, minute: int = 0) -> D:
    return (2026, 12, day, hour, minute)


# The phrases of issue 19, then each kind of fault with its siblings.
ISSUE = [
    en("Dentist the day after tomorrow", title="Dentist", due=all_day(dec(1))),
    en("Train tomorrow at half past 6pm", title="Train", due=nov(30, 18, 30)),
    en("Train tomorrow quarter to 5pm", title="Train", due=nov(30, 16, 45)),
    en("Pay invoice end of month", title="Pay invoice", due=all_day(nov(30))),
    en("Pay invoice last day of the month", title="Pay invoice", due=all_day(nov(30))),
    en("Pay invoice by the end of the month", title="Pay invoice", due=all_day(nov(30))),
    en("Gym Sun 9am", title="Gym", due=dec(6), note="quote it"),
    en("Gym fri 9am", title="Gym", due=dec(4)),
    en("Gym sat 10am", title="Gym", due=dec(5, 10)),
    en("Webinar tomorrow 5pm PST", title="Webinar", due=nov(30, 20)),
    en("Webinar tomorrow 5pm UTC", title="Webinar", due=nov(30, 12)),
    en("Standup daily except weekends", title="Standup", rule=WORKDAYS, due=all_day(nov(30))),
    en(
        "Standup every weekday except friday",
        title="Standup",
        rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        due=all_day(nov(30)),
    ),
    en("Meet the 15th of next month", title="Meet", due=all_day(dec(15))),
]

STILL_WORKING = [
    en("Lunch tomorrow at 12pm", title="Lunch", due=nov(30, 12)),
    en("Call tomorrow at 12am", title="Call", due=nov(30, 0)),
    en("Lunch tomorrow at noon", title="Lunch", due=nov(30, 12)),
    en("Review in 2 weeks", title="Review", due=all_day(dec(13))),
    en("Dentist friday", title="Dentist", due=all_day(dec(4)), note="quote it"),
    en("Launch March 3rd", title="Launch", due=all_day((2027, 3, 3, 9, 0))),
    en("Pay 3/4", title="Pay", due=all_day((2027, 3, 4, 9, 0))),
    en("Pay 13/4", title="Pay 13/4", due=None, note="not a valid date"),
    en("Call May", title="Call May", due=None),
    en("Read 1984", title="Read 1984", due=None),
    en('"Meet on friday" tomorrow', title="Meet on friday", due=all_day(nov(30))),
    en("Review every other week", title="Review", rule="FREQ=WEEKLY;INTERVAL=2"),
    en("Ship it (#work) tomorrow", title="Ship it", tags=["work"], due=all_day(nov(30))),
    en("Ship it, #work.", tags=["work"]),
    en("Learn C# tomorrow", title="Learn C#", due=all_day(nov(30))),
    en("🎉 Party tomorrow 🎂", title="🎉 Party 🎂", due=all_day(nov(30))),
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
    en("Dentist day after tomorrow", title="Dentist", due=all_day(dec(1))),
    en("Dentist overmorrow", title="Dentist", due=all_day(dec(1))),
    en("Call tommorow", title="Call", due=all_day(nov(30))),
    en("Call tomorow at 3pm", title="Call", due=nov(30, 15)),
    en("Call tmrw", title="Call", due=all_day(nov(30))),
    en("Call 3 days from now", title="Call", due=all_day(dec(2))),
    en("Call a week from today", title="Call", due=all_day(dec(6))),
    en("Call two weeks from tomorrow", title="Call", due=all_day(dec(14))),
    en("Visit in a fortnight", title="Visit", due=all_day(dec(13))),
    en("Check oven in 2 hours", title="Check oven", due=nov(30, 0, 23)),
    en("Call in 3 days", title="Call", due=all_day(dec(2))),
    en("Meet next friday", title="Meet", due=all_day(dec(4)), note="the one after is 2026-12-11"),
    en("Meet next monday", title="Meet", due=all_day(nov(30)), note="2026-12-07"),
    en("Plan trip next week", title="Plan trip", due=all_day(nov(30))),
    en("Clean garage next weekend", title="Clean garage", due=all_day(dec(5))),
    en("Pay bills next month", title="Pay bills", due=all_day(dec(1))),
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
    en("Report end of the week", title="Report", due=all_day(nov(29))),
    en("Report end of next week", title="Report", due=all_day(dec(6))),
    en("Report end of the quarter", title="Report", due=all_day(dec(31))),
    en("Report end of the year", title="Report", due=all_day(dec(31))),
    en("Report eom", title="Report", due=all_day(nov(30))),
    en("Report by the end of next month", title="Report", due=all_day(dec(31))),
    en("Report last day of the year", title="Report", due=all_day(dec(31))),
    en("Report end of february", title="Report", due=all_day((2027, 2, 28, 9, 0))),
    en("Report at the end of the month", title="Report", due=all_day(nov(30))),
    en("Meet the first of next month", title="Meet", due=all_day(dec(1))),
    en("Meet the last day of next month", title="Meet", due=all_day(dec(31))),
    en("Meet next month on the 3rd", title="Meet", due=all_day(dec(3))),
    en("Meet 1st of next month", title="Meet", due=all_day(dec(1))),
    en("Meet on the 15th", title="Meet", due=all_day(dec(15))),
    en("Meet the 20th of the month", title="Meet", due=all_day(dec(20))),
]

WEEKDAY_AND_MONTH_NAMES = [
    en("Gym Mon 7am", title="Gym", due=nov(30, 7)),
    en("Gym tue 6pm", title="Gym", due=dec(1, 18)),
    en("Gym on thurs", title="Gym", due=all_day(dec(3))),
    en("Gym wensday", title="Gym", due=all_day(dec(2)), note="quote it"),
    en("Gym thrusday 6pm", title="Gym", due=dec(3, 18)),
    en("Gym on weds", title="Gym", due=all_day(dec(2))),
    en("Gym 7am sat", title="Gym", due=dec(5, 7)),
    en("Launch febuary 3", title="Launch", due=all_day((2027, 2, 3, 9, 0))),
    en("Launch sept 9", title="Launch", due=all_day((2027, 9, 9, 9, 0))),
    en("Launch Dec. 24", title="Launch", due=all_day(dec(24))),
    en("Launch 24 dec", title="Launch", due=all_day(dec(24))),
    en("Sat exam prep", title="Sat exam prep", due=None),
    en("Enjoy the sun", title="Enjoy the sun", due=None),
    en("Review monday report", title="Review report", due=all_day(nov(30)), note="quote it"),
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
    en("Book CT scan tomorrow", title="Book CT scan", due=all_day(nov(30))),
    en("Call on july 3 at 5pm PST", title="Call", due=(2027, 7, 3, 20, 0), note="PDT"),
    en("Call 5pm UTC", title="Call", due=nov(30, 12)),
]

EXCLUSIONS = [
    en("Run every day except sunday", rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", due=all_day(nov(30))),
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
        due=all_day(nov(30)),
    ),
    en("Walk every day except weekdays", title="Walk", rule="FREQ=WEEKLY;BYDAY=SA,SU", due=all_day(nov(29))),
]

OTHER_ZONES = [
    Row("en", "Call tomorrow 9am", SYDNEY, title="Call", due=nov(30)),
    Row("en", "BBQ end of month", SYDNEY, title="BBQ", due=all_day(nov(30))),
    Row("en", "Call tomorrow 5pm PST", SYDNEY, title="Call", due=dec(1, 12)),
    Row("en", "Meet the 15th of next month", SYDNEY, due=all_day(dec(15))),
    Row("en", "Gym sat 10am", SYDNEY, title="Gym", due=dec(5, 10)),
    Row("en", "Flight on april 5 at 9am", SYDNEY, due=(2027, 4, 5, 9, 0)),
    Row("en", "Standup daily except weekends", SYDNEY, rule=WORKDAYS, due=all_day(nov(30))),
    Row("en", "Call tomorrow at half past 6pm", KOLKATA, title="Call", due=nov(30, 18, 30)),
    Row("en", "Call tomorrow 9am UTC", KOLKATA, title="Call", due=nov(30, 14, 30)),
    Row("en", "Call tomorrow 5pm PST", KOLKATA, title="Call", due=dec(1, 6, 30)),
    Row("en", "Pay end of the quarter", KOLKATA, title="Pay", due=all_day(dec(31))),
    Row("en", "Call tomorrow 10am IST", KOLKATA, title="Call", due=nov(30, 10)),
    Row("en", "Pay day after tomorrow", SAO_PAULO, title="Pay", due=all_day(dec(1))),
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

VIENNA = "Europe/Vienna"
BUENOS_AIRES = "America/Argentina/Buenos_Aires"  # southern hemisphere, no summer time
MEXICO = "America/Mexico_City"
MONTREAL = "America/Toronto"
ADELAIDE = "Australia/Adelaide"  # southern hemisphere and a half-hour zone


def de_(text: str, tz: str = BERLIN, **expected: Any) -> Row:
    return Row("de", text, tz, **expected)


def es_(text: str, tz: str = MADRID, **expected: Any) -> Row:
    return Row("es", text, tz, **expected)


def fr_(text: str, tz: str = PARIS, **expected: Any) -> Row:
    return Row("fr", text, tz, **expected)


GERMAN = [
    de_("Zahnarzt übermorgen", title="Zahnarzt", due=all_day(dec(1))),
    de_("Zahnarzt übermorgen um 17 Uhr", title="Zahnarzt", due=dec(1, 17)),
    de_("Anruf morgen", title="Anruf", due=all_day(nov(30))),
    de_("Anruf morgen um 15 Uhr", title="Anruf", due=nov(30, 15)),
    de_("Anruf morgen um 7 Uhr", title="Anruf", due=nov(30, 7)),
    de_("Anruf morgen um 9:30", title="Anruf", due=nov(30, 9, 30)),
    de_("Anruf morgen 14.30 Uhr", title="Anruf", due=nov(30, 14, 30)),
    de_("Zug morgen um halb 7", title="Zug", due=nov(30, 18, 30), note="18:30"),
    de_("Zug morgen um viertel nach 8", title="Zug", due=nov(30, 8, 15)),
    de_("Zug morgen um viertel vor 9", title="Zug", due=nov(30, 8, 45)),
    de_("Essen morgen mittag", title="Essen", due=nov(30, 12)),
    de_("Essen morgen abend", title="Essen", due=nov(30, 19)),
    de_("Joggen morgen früh", title="Joggen", due=nov(30)),
    de_("Kino heute abend", title="Kino", due=nov(29, 20), note="past"),
    de_("Anruf in 3 Tagen", title="Anruf", due=all_day(dec(2))),
    de_("Anruf in zwei Wochen", title="Anruf", due=all_day(dec(13))),
    de_("Anruf in einer Woche", title="Anruf", due=all_day(dec(6))),
    de_("Anruf nächsten Freitag", title="Anruf", due=all_day(dec(4)), note="2026-12-11"),
    de_("Anruf am Freitag", title="Anruf", due=all_day(dec(4))),
    de_("Anruf Freitag", title="Anruf", due=all_day(dec(4)), note="quote it"),
    de_("Anruf am Mi", title="Anruf", due=all_day(dec(2))),
    de_("Sport Sa 10 Uhr", title="Sport", due=dec(5, 10)),
    de_("Rechnung bezahlen Ende des Monats", title="Rechnung bezahlen", due=all_day(nov(30))),
    de_("Rechnung bezahlen zum Monatsende", title="Rechnung bezahlen", due=all_day(nov(30))),
    de_("Bericht Ende des Jahres", title="Bericht", due=all_day(dec(31))),
    de_("Bericht Ende des Quartals", title="Bericht", due=all_day(dec(31))),
    de_("Bericht Ende nächsten Monats", title="Bericht", due=all_day(dec(31))),
    de_("Treffen am 15. nächsten Monats", title="Treffen", due=all_day(dec(15))),
    de_("Treffen nächsten Monat am 3.", title="Treffen", due=all_day(dec(3))),
    de_("Arzt am 3. März", title="Arzt", due=all_day((2027, 3, 3, 9, 0))),
    de_("Arzt am 24. Dezember um 10 Uhr", title="Arzt", due=dec(24, 10)),
    de_("Zahnarzt 15.12. um 10 Uhr", title="Zahnarzt", due=dec(15, 10)),
    de_("Zahnarzt 3.4.2027", title="Zahnarzt", due=all_day((2027, 4, 3, 9, 0))),
    de_("Urlaub planen nächste Woche", title="Urlaub planen", due=all_day(nov(30))),
    de_("Rechnungen nächsten Monat", title="Rechnungen", due=all_day(dec(1))),
    de_("Fenster putzen am Wochenende", title="Fenster putzen", due=all_day(nov(29))),
    de_(
        "Sport jeden Montag und Donnerstag um 7 Uhr",
        rule="FREQ=WEEKLY;BYDAY=MO,TH",
        due=nov(30, 7),
        title="Sport",
    ),
    de_("Standup werktags um 9:30", title="Standup", rule=WORKDAYS, due=nov(30, 9, 30)),
    de_("Standup werktags außer freitags", title="Standup", rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH"),
    de_("Standup täglich außer am Wochenende", title="Standup", rule=WORKDAYS, due=all_day(nov(30))),
    de_("Blumen gießen jeden Tag", title="Blumen gießen", rule="FREQ=DAILY", due=all_day(nov(29))),
    de_("Bericht wöchentlich", title="Bericht", rule="FREQ=WEEKLY"),
    de_("Miete monatlich", title="Miete", rule="FREQ=MONTHLY"),
    de_("Steuer jährlich", title="Steuer", rule="FREQ=YEARLY"),
    de_("Review alle 2 Wochen", title="Review", rule="FREQ=WEEKLY;INTERVAL=2"),
    de_("Backup alle drei Tage", title="Backup", rule="FREQ=DAILY;INTERVAL=3"),
    de_(
        "Teamessen jeden letzten Freitag",
        title="Teamessen",
        rule="FREQ=MONTHLY;BYDAY=-1FR",
        due=all_day(dec(25)),
    ),
    de_("Yoga montags", title="Yoga", rule="FREQ=WEEKLY;BYDAY=MO", due=all_day(nov(30))),
    de_(
        "Miete zahlen jeden Monat am 1. um 9 Uhr #haushalt !hoch erinnere mich 1 Tag vorher",
        title="Miete zahlen",
        rule="FREQ=MONTHLY;BYMONTHDAY=1",
        due=dec(1),
        priority="high",
        tags=["haushalt"],
        reminders=[{"minutes_before": 1440}],
    ),
    de_("Server neu starten dringend", title="Server neu starten", priority="urgent"),
    de_("Webinar morgen 17 Uhr UTC", title="Webinar", due=nov(30, 18)),
    de_("Webinar morgen 17 Uhr MEZ", title="Webinar", due=nov(30, 17)),
    de_("Anruf morgen 9 Uhr PST", title="Anruf", due=nov(30, 18)),
    de_('"Montag früh" lesen morgen', title="Montag früh lesen", due=all_day(nov(30))),
    de_("Mo Kaffee kaufen", title="Mo Kaffee kaufen", due=None),
    de_("Zahnarzt übermorgen", VIENNA, title="Zahnarzt", due=all_day(dec(1))),
    de_("Anruf morgen um 15 Uhr", VIENNA, title="Anruf", due=nov(30, 15)),
    de_("Standup werktags", VIENNA, title="Standup", rule=WORKDAYS, due=all_day(nov(30))),
    de_("Milch kaufen", title="Milch kaufen", due=None, rule=None),
]

SPANISH = [
    es_("Dentista pasado mañana", title="Dentista", due=all_day(dec(1))),
    es_("Dentista pasado mañana a las 5 de la tarde", title="Dentista", due=dec(1, 17)),
    es_("Llamar mañana", title="Llamar", due=all_day(nov(30))),
    es_("Llamar mañana a las 15:00", title="Llamar", due=nov(30, 15)),
    es_("Llamar mañana a las 9 de la mañana", title="Llamar", due=nov(30, 9)),
    es_("Cena mañana a las 9 de la noche", title="Cena", due=nov(30, 21)),
    es_("Llamar a mi madre mañana a las 6 y media", title="Llamar a mi madre", due=nov(30, 18, 30)),
    es_("Tren mañana a las 5 y cuarto", title="Tren", due=nov(30, 17, 15), note="17:15"),
    es_("Tren mañana a las 5 menos cuarto", title="Tren", due=nov(30, 16, 45), note="16:45"),
    es_("Almuerzo mañana al mediodía", title="Almuerzo", due=nov(30, 12)),
    es_("Correr mañana por la mañana", title="Correr", due=nov(30)),
    es_("Cine esta noche", title="Cine", due=nov(29, 20), note="past"),
    es_("Llamar en 3 días", title="Llamar", due=all_day(dec(2))),
    es_("Llamar dentro de 2 semanas", title="Llamar", due=all_day(dec(13))),
    es_("Comprar pan el próximo viernes", title="Comprar pan", due=all_day(dec(4)), note="2026-12-11"),
    es_("Comprar pan el viernes que viene", title="Comprar pan", due=all_day(dec(4))),
    es_("Comprar pan el viernes", title="Comprar pan", due=all_day(dec(4))),
    es_("Comprar pan viernes", title="Comprar pan", due=all_day(dec(4)), note="quote it"),
    es_("Gimnasio sáb 10:00", title="Gimnasio", due=dec(5, 10)),
    es_("Pagar factura a fin de mes", title="Pagar factura", due=all_day(nov(30))),
    es_("Pagar factura el último día del mes", title="Pagar factura", due=all_day(nov(30))),
    es_("Informe a final de año", title="Informe", due=all_day(dec(31))),
    es_("Informe para fin de trimestre", title="Informe", due=all_day(dec(31))),
    es_("Reunión el 15 del mes que viene", title="Reunión", due=all_day(dec(15))),
    es_("Reunión el 15 del próximo mes", title="Reunión", due=all_day(dec(15))),
    es_("Cita el 3 de marzo", title="Cita", due=all_day((2027, 3, 3, 9, 0))),
    es_("Cita el 24 de diciembre a las 10", title="Cita", due=dec(24, 10)),
    es_("Cita 15/12", title="Cita", due=all_day(dec(15))),
    es_("Cita 3/4/2027", title="Cita", due=all_day((2027, 4, 3, 9, 0))),
    es_("Planear viaje la semana que viene", title="Planear viaje", due=all_day(nov(30))),
    es_("Pagar cuentas el mes que viene", title="Pagar cuentas", due=all_day(dec(1))),
    es_("Limpiar el próximo fin de semana", title="Limpiar", due=all_day(dec(5))),
    es_(
        "Gimnasio todos los lunes a las 7",
        title="Gimnasio",
        rule="FREQ=WEEKLY;BYDAY=MO",
        due=nov(30, 19),
    ),
    es_(
        "Gimnasio cada lunes y jueves a las 7 de la mañana",
        title="Gimnasio",
        rule="FREQ=WEEKLY;BYDAY=MO,TH",
        due=nov(30, 7),
    ),
    es_("Reunión diaria excepto los fines de semana", title="Reunión", rule=WORKDAYS, due=all_day(nov(30))),
    es_(
        "Reunión todos los días excepto el viernes",
        title="Reunión",
        rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SA,SU",
    ),
    es_(
        "Standup de lunes a viernes a las 9:30", title="Standup", rule=WORKDAYS, due=nov(30, 9, 30)
    ),
    es_("Regar las plantas todos los días", title="Regar las plantas", rule="FREQ=DAILY"),
    es_("Informe semanalmente", title="Informe", rule="FREQ=WEEKLY"),
    es_("Alquiler cada mes", title="Alquiler", rule="FREQ=MONTHLY"),
    es_("Impuestos cada año", title="Impuestos", rule="FREQ=YEARLY"),
    es_("Revisión cada 2 semanas", title="Revisión", rule="FREQ=WEEKLY;INTERVAL=2"),
    es_("Copia de seguridad cada 3 días", title="Copia de seguridad", rule="FREQ=DAILY;INTERVAL=3"),
    es_(
        "Comida de equipo el último viernes de cada mes",
        title="Comida de equipo",
        rule="FREQ=MONTHLY;BYDAY=-1FR",
        due=all_day(dec(25)),
    ),
    es_(
        "Pagar alquiler el día 1 de cada mes a las 9 #casa !alta recuérdame 1 día antes",
        title="Pagar alquiler",
        rule="FREQ=MONTHLY;BYMONTHDAY=1",
        due=dec(1),
        priority="high",
        tags=["casa"],
        reminders=[{"minutes_before": 1440}],
    ),
    es_("Arreglar servidor urgente", title="Arreglar servidor", priority="urgent"),
    es_("Webinar mañana a las 17:00 UTC", title="Webinar", due=nov(30, 18)),
    es_("Webinar mañana a las 5 de la tarde EST", title="Webinar", due=nov(30, 23)),
    es_('"Lunes de cine" mañana', title="Lunes de cine", due=all_day(nov(30))),
    es_("Leer Cien años de soledad", title="Leer Cien años de soledad", due=None),
    es_("Dentista pasado mañana", BUENOS_AIRES, title="Dentista", due=all_day(dec(1))),
    es_("Llamar mañana a las 15:00", BUENOS_AIRES, title="Llamar", due=nov(30, 15)),
    es_("Webinar mañana a las 17:00 UTC", BUENOS_AIRES, title="Webinar", due=nov(30, 14)),
    es_("Pagar a fin de mes", BUENOS_AIRES, title="Pagar", due=all_day(nov(30))),
    es_("Llamar mañana a las 6 y media", MEXICO, title="Llamar", due=nov(30, 18, 30)),
    es_("Gimnasio todos los lunes", MEXICO, rule="FREQ=WEEKLY;BYDAY=MO", due=all_day(nov(30))),
    es_("Comprar leche", title="Comprar leche", due=None, rule=None),
]

FRENCH = [
    fr_("Dentiste après-demain", title="Dentiste", due=all_day(dec(1))),
    fr_("Dentiste après-demain à 17h", title="Dentiste", due=dec(1, 17)),
    fr_("Appeler demain", title="Appeler", due=all_day(nov(30))),
    fr_("Appeler demain à 15h", title="Appeler", due=nov(30, 15)),
    fr_("Appeler maman demain à 18h30", title="Appeler maman", due=nov(30, 18, 30)),
    fr_("Appeler demain à 7h", title="Appeler", due=nov(30, 7)),
    fr_("Appeler demain à 9 heures", title="Appeler", due=nov(30, 9)),
    fr_("Train demain à 8h et demie", title="Train", due=nov(30, 8, 30)),
    fr_("Train demain à 8h et quart", title="Train", due=nov(30, 8, 15)),
    fr_("Train demain à 9h moins le quart", title="Train", due=nov(30, 8, 45)),
    fr_("Déjeuner demain à midi", title="Déjeuner", due=nov(30, 12)),
    fr_("Déployer demain à minuit", title="Déployer", due=nov(30, 23, 59)),
    fr_("Courir demain matin", title="Courir", due=nov(30)),
    fr_("Dîner demain soir", title="Dîner", due=nov(30, 19)),
    fr_("Cinéma ce soir", title="Cinéma", due=nov(29, 20), note="past"),
    fr_("Appeler dans 3 jours", title="Appeler", due=all_day(dec(2))),
    fr_("Appeler dans deux semaines", title="Appeler", due=all_day(dec(13))),
    fr_("Courses vendredi prochain", title="Courses", due=all_day(dec(4)), note="2026-12-11"),
    fr_("Courses le vendredi", title="Courses", due=all_day(dec(4))),
    fr_("Courses vendredi", title="Courses", due=all_day(dec(4)), note="quote it"),
    fr_("Sport sam 10h", title="Sport", due=dec(5, 10)),
    fr_("Payer la facture à la fin du mois", title="Payer la facture", due=all_day(nov(30))),
    fr_("Payer la facture le dernier jour du mois", title="Payer la facture", due=all_day(nov(30))),
    fr_("Rapport fin de l'année", title="Rapport", due=all_day(dec(31))),
    fr_("Rapport fin du trimestre", title="Rapport", due=all_day(dec(31))),
    fr_("Rapport fin du mois prochain", title="Rapport", due=all_day(dec(31))),
    fr_("Réunion le 15 du mois prochain", title="Réunion", due=all_day(dec(15))),
    fr_("Rendez-vous le 3 mars", title="Rendez-vous", due=all_day((2027, 3, 3, 9, 0))),
    fr_("Rendez-vous le 1er décembre", title="Rendez-vous", due=all_day(dec(1))),
    fr_("Rendez-vous le 24 décembre à 10h", title="Rendez-vous", due=dec(24, 10)),
    fr_("Rendez-vous 15/12", title="Rendez-vous", due=all_day(dec(15))),
    fr_("Rendez-vous 3/4/2027", title="Rendez-vous", due=all_day((2027, 4, 3, 9, 0))),
    fr_("Préparer le voyage la semaine prochaine", title="Préparer le voyage", due=all_day(nov(30))),
    fr_("Payer les factures le mois prochain", title="Payer les factures", due=all_day(dec(1))),
    fr_("Ranger le week-end prochain", title="Ranger", due=all_day(dec(5))),
    fr_("Sport tous les lundis à 7h", title="Sport", rule="FREQ=WEEKLY;BYDAY=MO", due=nov(30, 7)),
    fr_(
        "Sport chaque lundi et jeudi à 18h",
        title="Sport",
        rule="FREQ=WEEKLY;BYDAY=MO,TH",
        due=nov(30, 18),
    ),
    fr_("Réunion tous les jours sauf le week-end", title="Réunion", rule=WORKDAYS, due=all_day(nov(30))),
    fr_(
        "Réunion tous les jours sauf le vendredi",
        title="Réunion",
        rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SA,SU",
    ),
    fr_(
        "Point d'équipe en semaine à 9h30",
        title="Point d'équipe",
        rule=WORKDAYS,
        due=nov(30, 9, 30),
    ),
    fr_("Arroser les plantes chaque jour", title="Arroser les plantes", rule="FREQ=DAILY"),
    fr_("Rapport toutes les semaines", title="Rapport", rule="FREQ=WEEKLY"),
    fr_("Loyer tous les mois", title="Loyer", rule="FREQ=MONTHLY"),
    fr_("Impôts chaque année", title="Impôts", rule="FREQ=YEARLY"),
    fr_("Revue toutes les 2 semaines", title="Revue", rule="FREQ=WEEKLY;INTERVAL=2"),
    fr_("Sauvegarde tous les 3 jours", title="Sauvegarde", rule="FREQ=DAILY;INTERVAL=3"),
    fr_(
        "Déjeuner d'équipe le dernier vendredi de chaque mois",
        title="Déjeuner d'équipe",
        rule="FREQ=MONTHLY;BYDAY=-1FR",
        due=all_day(dec(25)),
    ),
    fr_(
        "Payer le loyer le 1er de chaque mois à 9h #maison !haute rappelle-moi 1 jour avant",
        title="Payer le loyer",
        rule="FREQ=MONTHLY;BYMONTHDAY=1",
        due=dec(1),
        priority="high",
        tags=["maison"],
        reminders=[{"minutes_before": 1440}],
    ),
    fr_("Réparer le serveur urgent", title="Réparer le serveur", priority="urgent"),
    fr_("Webinaire demain à 17h UTC", title="Webinaire", due=nov(30, 18)),
    fr_("Webinaire demain à 11h EST", title="Webinaire", due=nov(30, 17)),
    fr_('"Lundi au soleil" écouter demain', title="Lundi au soleil écouter", due=all_day(nov(30))),
    fr_("Lire Le Petit Prince", title="Lire Le Petit Prince", due=None),
    fr_("Appeler demain à 15h", MONTREAL, title="Appeler", due=nov(30, 15)),
    fr_("Réunion le 15 du mois prochain", MONTREAL, title="Réunion", due=all_day(dec(15))),
    fr_("Webinaire demain à 17h UTC", MONTREAL, title="Webinaire", due=nov(30, 12)),
    fr_("Appeler demain à 15h", ADELAIDE, title="Appeler", due=nov(30, 15)),
    fr_("Webinaire demain à 17h UTC", ADELAIDE, title="Webinaire", due=dec(1, 3, 30)),
    fr_("Acheter du pain", title="Acheter du pain", due=None, rule=None),
]

TABLE: list[Row] = ENGLISH + GERMAN + SPANISH + FRENCH


def check(draft: Draft, row: Row, *, notes: bool = True) -> None:
    """Assert every field the row names, with due dates compared as wall times in its zone."""
    for name, value in row.expected().items():
        actual = getattr(draft, name)
        if name == "reminders":
            value = [_reminder(item, row.tz) for item in value]
        assert actual == value, (name, actual, value, draft)
        if name == "due_date" and value is not None:
            assert actual.astimezone(ZoneInfo(row.tz)).replace(tzinfo=None) == value.replace(
                tzinfo=None
            )
    if row.note and notes:
        assert any(row.note in note for note in draft.notes), draft.notes


def _reminder(item: dict[str, Any], tz: str) -> dict[str, Any]:
    """Turn a table reminder's wall-time tuple into an aware datetime."""
    if isinstance(item.get("at"), tuple):
        return {"at": datetime(*item["at"], tzinfo=ZoneInfo(tz))}
    return item
