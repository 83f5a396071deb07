"""Examples for the Recurrence value object: parsing, presets, words and next due dates."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from taskai.domain.recurrence import Recurrence
from taskai.errors import InvalidInput

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"


def local(tz: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """An aware datetime with the given local wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def wall(moment: datetime | None, tz: str = "UTC") -> str:
    """A readable local time with its UTC offset."""
    assert moment is not None
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %a %H:%M %z")


def walk(rule: str, start: datetime, steps: int, tz: str = "UTC") -> list[str]:
    """The series from `start`, completing each occurrence on its due date."""
    recurrence, due, seen = Recurrence.parse(rule), start, [start]
    for occurrence in range(1, steps):
        following = recurrence.next_due(
            series_start=start, previous_due=due, completed_at=due, tz=tz, occurrence=occurrence
        )
        if following is None:
            break
        seen.append(following)
        due = following
    return [wall(moment, tz) for moment in seen]


def next_after_completion(
    rule: str, start: datetime, due: datetime, done: datetime, tz: str = "UTC"
) -> str:
    """The next due date of a completion-anchored rule."""
    recurrence = Recurrence.parse(rule, anchor="completion")
    following = recurrence.next_due(
        series_start=start, previous_due=due, completed_at=done, tz=tz, occurrence=1
    )
    return wall(following, tz)


def rule_error(rule: object) -> str:
    """The one field message parsing `rule` fails with."""
    with pytest.raises(InvalidInput) as caught:
        Recurrence.parse(rule)  # type: ignore[arg-type]
    assert list(caught.value.fields) == ["recurrence.rule"]
    return caught.value.fields["recurrence.rule"]


# parsing and normalizing


def test_parsing_uppercases_a_lowercase_rule() -> None:
    assert Recurrence.parse("freq=weekly;byday=mo,we").rule == "FREQ=WEEKLY;BYDAY=MO,WE"


def test_parsing_drops_an_rrule_prefix_in_any_case() -> None:
    assert Recurrence.parse("  rrule:FREQ=DAILY ").rule == "FREQ=DAILY"


def test_parsing_puts_freq_first_and_the_other_parts_in_canonical_order() -> None:
    rule = "UNTIL=20310131;BYDAY=WE,MO;WKST=SU;INTERVAL=2;FREQ=WEEKLY;BYMONTH=3,1"
    expected = "FREQ=WEEKLY;INTERVAL=2;BYMONTH=1,3;BYDAY=MO,WE;WKST=SU;UNTIL=20310131"
    assert Recurrence.parse(rule).rule == expected


def test_parsing_drops_an_interval_of_one_and_repeated_values() -> None:
    rule = "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1,15,1,15"
    assert Recurrence.parse(rule).rule == "FREQ=MONTHLY;BYMONTHDAY=1,15,-1"


def test_parsing_writes_ordinals_without_a_plus_sign_and_tolerates_spaces() -> None:
    rule = "FREQ = MONTHLY ; BYDAY = +2TU, -1FR, FR ;"
    assert Recurrence.parse(rule).rule == "FREQ=MONTHLY;BYDAY=2TU,FR,-1FR"


def test_two_spellings_of_the_same_rule_are_equal_values() -> None:
    first = Recurrence.parse("RRULE:byday=we,mo;freq=weekly;interval=2")
    assert first == Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE")
    assert hash(first) == hash(Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"))


def test_the_anchor_defaults_to_due_and_is_lowercased() -> None:
    assert Recurrence.parse("FREQ=DAILY").anchor == "due"
    assert Recurrence.parse("FREQ=DAILY", anchor=" Completion ").anchor == "completion"


def test_to_dict_gives_rule_and_anchor_and_round_trips_through_from_input() -> None:
    recurrence = Recurrence.parse("freq=daily;interval=3", anchor="completion")
    assert recurrence.to_dict() == {"rule": "FREQ=DAILY;INTERVAL=3", "anchor": "completion"}
    assert Recurrence.from_input(recurrence.to_dict()) == recurrence


# invalid rules


@pytest.mark.parametrize(
    ("rule", "part"),
    [
        ("", "FREQ"),
        ("INTERVAL=2", "FREQ"),
        ("FREQ=HOURLY", "FREQ"),
        ("FREQ=MINUTELY", "FREQ"),
        ("FREQ=SOMETIMES", "FREQ"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=1001", "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=two", "INTERVAL"),
        ("FREQ=DAILY;INTERVAL=2;INTERVAL=3", "INTERVAL"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=MO,,WE", "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=", "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=2TU", "BYDAY"),
        ("FREQ=DAILY;BYDAY=-1FR", "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=0TU", "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=6TU", "BYDAY"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=-6MO", "BYDAY"),
        ("FREQ=YEARLY;BYDAY=54MO", "BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=first", "BYMONTHDAY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY"),
        ("FREQ=DAILY;BYMONTH=4,6;BYMONTHDAY=31", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367", "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-367", "BYSETPOS"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS"),
        ("FREQ=YEARLY;BYMONTH=0", "BYMONTH"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH"),
        ("FREQ=YEARLY;BYMONTH=-1", "BYMONTH"),
        ("FREQ=DAILY;COUNT=0", "COUNT"),
        ("FREQ=DAILY;COUNT=-3", "COUNT"),
        ("FREQ=DAILY;COUNT=many", "COUNT"),
        ("FREQ=DAILY;COUNT", "COUNT"),
        ("FREQ=DAILY;UNTIL=2031", "UNTIL"),
        ("FREQ=DAILY;UNTIL=20310231", "UNTIL"),
        ("FREQ=DAILY;UNTIL=20310131T250000Z", "UNTIL"),
        ("FREQ=DAILY;UNTIL=20310131T120000", "UNTIL"),
        ("FREQ=DAILY;UNTIL=2031-01-31", "UNTIL"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20310131", "COUNT and UNTIL"),
        ("FREQ=WEEKLY;WKST=XX", "WKST"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR"),
        ("FREQ=YEARLY;BYWEEKNO=20", "BYWEEKNO"),
        ("FREQ=DAILY;COLOR=RED", "COLOR"),
        ("FREQ=DAILY;=3", "=3"),
    ],
)
def test_an_invalid_rule_names_the_offending_part(rule: str, part: str) -> None:
    assert rule_error(rule).startswith(f"{part}:")


def test_an_unknown_weekday_is_reported_by_name() -> None:
    assert rule_error("FREQ=WEEKLY;BYDAY=XX") == "BYDAY: 'XX' is not a weekday"


def test_a_rule_that_is_not_text_or_is_too_long_is_rejected() -> None:
    assert rule_error(None).startswith("RRULE:")
    assert rule_error("FREQ=DAILY;" + "BYDAY=MO;" * 60).startswith("RRULE:")


def test_an_unknown_anchor_is_reported_on_the_anchor_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        Recurrence.parse("FREQ=DAILY", anchor="start")
    assert list(caught.value.fields) == ["recurrence.anchor"]


# presets


@pytest.mark.parametrize(
    ("preset", "interval", "rule"),
    [
        ("daily", 1, "FREQ=DAILY"),
        ("daily", 3, "FREQ=DAILY;INTERVAL=3"),
        ("weekdays", 1, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("weekdays", 2, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR"),
        ("weekly", 2, "FREQ=WEEKLY;INTERVAL=2"),
        ("monthly", 6, "FREQ=MONTHLY;INTERVAL=6"),
        ("yearly", 1, "FREQ=YEARLY"),
        ("Yearly", 1000, "FREQ=YEARLY;INTERVAL=1000"),
    ],
)
def test_a_preset_with_an_interval_gives_the_matching_rule(
    preset: str, interval: int, rule: str
) -> None:
    assert Recurrence.from_preset(preset, interval).rule == rule


def test_a_preset_keeps_its_anchor() -> None:
    assert Recurrence.from_preset("daily", anchor="completion").anchor == "completion"


def test_an_unknown_preset_is_reported_on_the_preset_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        Recurrence.from_preset("fortnightly")
    assert list(caught.value.fields) == ["recurrence.preset"]


@pytest.mark.parametrize("interval", [0, -1, 1001, "2", 2.0, True, None])
def test_a_preset_interval_outside_1_to_1000_is_reported_on_the_interval_field(
    interval: object,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Recurrence.from_preset("daily", interval)  # type: ignore[arg-type]
    assert list(caught.value.fields) == ["recurrence.interval"]


# input dictionaries


def test_input_with_a_rule_and_an_anchor_builds_that_recurrence() -> None:
    recurrence = Recurrence.from_input({"rule": "freq=monthly", "anchor": "completion"})
    assert recurrence == Recurrence("FREQ=MONTHLY", "completion")


def test_input_with_a_preset_and_an_interval_builds_the_preset_rule() -> None:
    recurrence = Recurrence.from_input({"preset": "weekly", "interval": 2, "anchor": None})
    assert recurrence.to_dict() == {"rule": "FREQ=WEEKLY;INTERVAL=2", "anchor": "due"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "recurrence"),
        ({"rule": "FREQ=DAILY", "preset": "daily"}, "recurrence"),
        ({"rule": "FREQ=DAILY", "colour": "red"}, "recurrence.colour"),
        ({"rule": "FREQ=DAILY", "interval": 2}, "recurrence.interval"),
        ({"rule": "FREQ=SOMETIMES"}, "recurrence.rule"),
        ({"rule": 7}, "recurrence.rule"),
        ({"preset": "daily", "interval": 0}, "recurrence.interval"),
        ({"preset": "hourly"}, "recurrence.preset"),
        ({"preset": "daily", "anchor": "start"}, "recurrence.anchor"),
        ("FREQ=DAILY", "recurrence"),
    ],
)
def test_bad_input_is_reported_on_the_right_field(data: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Recurrence.from_input(data)  # type: ignore[arg-type]
    assert list(caught.value.fields) == [field]


# words


@pytest.mark.parametrize(
    ("rule", "anchor", "words"),
    [
        ("FREQ=DAILY", "due", "every day"),
        ("FREQ=DAILY;INTERVAL=3", "completion", "every 3 days after completion"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", "due", "every 2 weeks on Monday and Wednesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "due", "every weekday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR", "due", "every 2 weeks on weekdays"),
        ("FREQ=WEEKLY;BYDAY=SA,SU", "due", "every week on weekends"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "due", "every month on the last Friday"),
        ("FREQ=MONTHLY;BYDAY=2TU", "due", "every month on the 2nd Tuesday"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=1,15,-1",
            "due",
            "every month on the 1st, the 15th and the last day",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=-2", "due", "every month on the 2nd to last day"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
            "due",
            "every month on the 13th when it is a Friday",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "due",
            "every month on weekdays, only the last of each month",
        ),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "due", "every year on February 29"),
        (
            "FREQ=YEARLY;BYMONTH=1,7;BYDAY=1MO",
            "due",
            "every year in January and July on the 1st Monday",
        ),
        ("FREQ=YEARLY;INTERVAL=2", "due", "every 2 years"),
        ("FREQ=DAILY;COUNT=5", "due", "every day, 5 times"),
        ("FREQ=MONTHLY;COUNT=1", "due", "every month, once"),
        ("FREQ=WEEKLY;UNTIL=20310131", "due", "every week until 2031-01-31"),
        ("FREQ=DAILY;UNTIL=20310131T170000Z", "due", "every day until 2031-01-31 17:00 UTC"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", "due", "every weekday, 10 times"),
    ],
)
def test_describe_puts_the_rule_into_english_words(rule: str, anchor: str, words: str) -> None:
    assert Recurrence.parse(rule, anchor).describe() == words


# next due dates: wall-clock time across daylight saving time


@pytest.mark.parametrize(
    ("tz", "first_day", "expected"),
    [
        (NEW_YORK, (2025, 3, 8), ["-0500", "-0400", "-0400"]),
        (NEW_YORK, (2025, 11, 1), ["-0400", "-0500", "-0500"]),
        (BERLIN, (2025, 3, 29), ["+0100", "+0200", "+0200"]),
        (BERLIN, (2025, 10, 25), ["+0200", "+0100", "+0100"]),
    ],
)
def test_a_daily_9am_task_stays_at_9am_local_while_the_utc_offset_changes(
    tz: str, first_day: tuple[int, int, int], expected: list[str]
) -> None:
    series = walk("FREQ=DAILY", local(tz, *first_day, 9, 0), 3, tz)
    assert [moment[15:20] for moment in series] == ["09:00"] * 3
    assert [moment[-5:] for moment in series] == expected


def test_a_daily_9am_task_in_new_york_moves_one_hour_earlier_in_utc_after_spring_forward() -> None:
    recurrence = Recurrence.parse("FREQ=DAILY")
    start = local(NEW_YORK, 2025, 3, 8, 9, 0)
    following = recurrence.next_due(
        series_start=start, previous_due=start, completed_at=start, tz=NEW_YORK, occurrence=1
    )
    assert following == datetime(2025, 3, 9, 13, 0, tzinfo=UTC)
    assert following is not None and following.tzinfo is UTC


def test_a_0230_task_on_the_spring_forward_day_moves_forward_by_the_gap_in_new_york() -> None:
    series = walk("FREQ=DAILY", local(NEW_YORK, 2025, 3, 8, 2, 30), 3, NEW_YORK)
    assert series == [
        "2025-03-08 Sat 02:30 -0500",
        "2025-03-09 Sun 03:30 -0400",
        "2025-03-10 Mon 02:30 -0400",
    ]


def test_a_0230_task_on_the_spring_forward_day_moves_forward_by_the_gap_in_berlin() -> None:
    series = walk("FREQ=DAILY", local(BERLIN, 2025, 3, 29, 2, 30), 3, BERLIN)
    assert series[1:] == ["2025-03-30 Sun 03:30 +0200", "2025-03-31 Mon 02:30 +0200"]


def test_a_0130_task_on_the_fall_back_day_takes_the_first_0130() -> None:
    series = walk("FREQ=DAILY", local(NEW_YORK, 2025, 11, 1, 1, 30), 3, NEW_YORK)
    assert series[1:] == ["2025-11-02 Sun 01:30 -0400", "2025-11-03 Mon 01:30 -0500"]


def test_occurrences_are_computed_in_the_owners_time_zone_not_in_utc() -> None:
    start = local(NEW_YORK, 2025, 1, 6, 21, 0)  # Monday evening, already Tuesday in UTC
    series = walk("FREQ=WEEKLY;BYDAY=MO", start, 2, NEW_YORK)
    assert series[1] == "2025-01-13 Mon 21:00 -0500"


# next due dates: month ends and leap days


def test_completing_a_monthly_task_on_the_31st_lands_on_the_last_day_then_returns_to_the_31st() -> (
    None
):
    series = walk("FREQ=MONTHLY", local("UTC", 2025, 1, 31, 9, 0), 5)
    assert [moment[:10] for moment in series] == [
        "2025-01-31",
        "2025-02-28",
        "2025-03-31",
        "2025-04-30",
        "2025-05-31",
    ]


def test_a_monthly_task_on_the_31st_lands_on_february_29_in_a_leap_year() -> None:
    series = walk("FREQ=MONTHLY", local("UTC", 2024, 1, 31, 9, 0), 3)
    assert [moment[:10] for moment in series] == ["2024-01-31", "2024-02-29", "2024-03-31"]


def test_an_explicit_bymonthday_30_lands_on_the_last_day_of_february_only() -> None:
    series = walk("FREQ=MONTHLY;BYMONTHDAY=30", local("UTC", 2025, 1, 10, 9, 0), 5)
    assert [moment[:10] for moment in series[1:]] == [
        "2025-01-30",
        "2025-02-28",
        "2025-03-30",
        "2025-04-30",
    ]


def test_a_list_of_month_days_keeps_rfc_behaviour_and_skips_short_months() -> None:
    series = walk("FREQ=MONTHLY;BYMONTHDAY=15,31", local("UTC", 2025, 1, 15, 9, 0), 5)
    assert [moment[:10] for moment in series] == [
        "2025-01-15",
        "2025-01-31",
        "2025-02-15",
        "2025-03-15",
        "2025-03-31",
    ]


def test_a_yearly_task_on_february_29_lands_on_february_28_in_common_years() -> None:
    series = walk("FREQ=YEARLY", local("UTC", 2024, 2, 29, 9, 0), 5)
    assert [moment[:10] for moment in series] == [
        "2024-02-29",
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
    ]


def test_an_explicit_yearly_february_29_rule_also_lands_on_february_28() -> None:
    series = walk("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", local("UTC", 2025, 1, 1, 9, 0), 3)
    assert [moment[:10] for moment in series[1:]] == ["2025-02-28", "2026-02-28"]


# next due dates: weekdays and ordinals


def test_the_last_friday_of_the_month() -> None:
    series = walk("FREQ=MONTHLY;BYDAY=-1FR", local("UTC", 2025, 1, 31, 9, 0), 4)
    assert [moment[:14] for moment in series] == [
        "2025-01-31 Fri",
        "2025-02-28 Fri",
        "2025-03-28 Fri",
        "2025-04-25 Fri",
    ]


def test_every_weekday_goes_from_friday_to_monday() -> None:
    series = walk("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", local("UTC", 2025, 1, 9, 9, 0), 4)
    assert [moment[:14] for moment in series] == [
        "2025-01-09 Thu",
        "2025-01-10 Fri",
        "2025-01-13 Mon",
        "2025-01-14 Tue",
    ]


def test_every_2_weeks_on_monday_and_wednesday_skips_the_week_between() -> None:
    series = walk("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", local("UTC", 2025, 1, 6, 9, 0), 5)
    assert [moment[:14] for moment in series] == [
        "2025-01-06 Mon",
        "2025-01-08 Wed",
        "2025-01-20 Mon",
        "2025-01-22 Wed",
        "2025-02-03 Mon",
    ]


def test_the_2nd_tuesday_of_the_month() -> None:
    series = walk("FREQ=MONTHLY;BYDAY=2TU", local("UTC", 2025, 1, 14, 9, 0), 4)
    assert [moment[:14] for moment in series] == [
        "2025-01-14 Tue",
        "2025-02-11 Tue",
        "2025-03-11 Tue",
        "2025-04-08 Tue",
    ]


def test_completing_early_with_the_due_anchor_still_counts_from_the_due_date() -> None:
    recurrence = Recurrence.parse("FREQ=DAILY;INTERVAL=3")
    start, due = local("UTC", 2025, 1, 1, 9, 0), local("UTC", 2025, 1, 13, 9, 0)
    done = local("UTC", 2025, 1, 11, 18, 0)
    following = recurrence.next_due(
        series_start=start, previous_due=due, completed_at=done, tz="UTC", occurrence=5
    )
    assert wall(following) == "2025-01-16 Thu 09:00 +0000"


# next due dates: counted from completion


def test_completing_an_every_3_days_task_late_counts_from_the_completion_date() -> None:
    start, due = local("UTC", 2025, 1, 1, 9, 0), local("UTC", 2025, 1, 7, 9, 0)
    done = local("UTC", 2025, 1, 10, 18, 0)
    assert next_after_completion("FREQ=DAILY;INTERVAL=3", start, due, done) == (
        "2025-01-13 Mon 09:00 +0000"
    )


def test_completing_an_every_3_days_task_early_counts_from_the_completion_date() -> None:
    start, due = local("UTC", 2025, 1, 1, 9, 0), local("UTC", 2025, 1, 13, 9, 0)
    done = local("UTC", 2025, 1, 11, 7, 0)
    assert next_after_completion("FREQ=DAILY;INTERVAL=3", start, due, done) == (
        "2025-01-14 Tue 09:00 +0000"
    )


def test_completion_uses_the_owners_local_date() -> None:
    start, due = local(NEW_YORK, 2025, 1, 1, 9, 0), local(NEW_YORK, 2025, 1, 10, 9, 0)
    done = local(NEW_YORK, 2025, 1, 10, 23, 30)  # already the 11th in UTC
    assert next_after_completion("FREQ=DAILY", start, due, done, NEW_YORK) == (
        "2025-01-11 Sat 09:00 -0500"
    )


@pytest.mark.parametrize(
    ("done_day", "expected"),
    [(6, "2025-01-08 Wed"), (8, "2025-01-13 Mon"), (9, "2025-01-13 Mon")],
)
def test_a_weekly_task_by_weekday_from_completion_takes_the_next_matching_day(
    done_day: int, expected: str
) -> None:
    start = local("UTC", 2025, 1, 6, 9, 0)
    done = local("UTC", 2025, 1, done_day, 20, 0)
    following = next_after_completion("FREQ=WEEKLY;BYDAY=MO,WE", start, start, done)
    assert following == f"{expected} 09:00 +0000"


def test_a_monthly_task_from_completion_repeats_on_the_completion_day_of_month() -> None:
    start, due = local("UTC", 2025, 1, 15, 9, 0), local("UTC", 2025, 3, 15, 9, 0)
    done = local("UTC", 2025, 3, 20, 12, 0)
    assert next_after_completion("FREQ=MONTHLY", start, due, done)[:10] == "2025-04-20"


def test_count_still_ends_a_series_counted_from_completion() -> None:
    recurrence = Recurrence.parse("FREQ=DAILY;COUNT=2", anchor="completion")
    start = local("UTC", 2025, 1, 1, 9, 0)
    kwargs = {"series_start": start, "previous_due": start, "completed_at": start, "tz": "UTC"}
    assert recurrence.next_due(**kwargs, occurrence=1) is not None  # type: ignore[arg-type]
    assert recurrence.next_due(**kwargs, occurrence=2) is None  # type: ignore[arg-type]


# next due dates: the end of a series


def test_count_ends_a_series_after_that_many_occurrences() -> None:
    series = walk("FREQ=DAILY;COUNT=3", local("UTC", 2025, 1, 6, 9, 0), 10)
    assert [moment[:10] for moment in series] == ["2025-01-06", "2025-01-07", "2025-01-08"]


def test_an_until_date_includes_that_whole_local_day() -> None:
    series = walk("FREQ=WEEKLY;UNTIL=20250120", local(NEW_YORK, 2025, 1, 6, 21, 0), 10, NEW_YORK)
    assert [moment[:10] for moment in series] == ["2025-01-06", "2025-01-13", "2025-01-20"]


def test_an_until_time_in_utc_ends_the_series_at_that_instant() -> None:
    series = walk("FREQ=DAILY;UNTIL=20250108T080000Z", local("UTC", 2025, 1, 6, 9, 0), 10)
    assert [moment[:10] for moment in series] == ["2025-01-06", "2025-01-07"]


def test_a_rule_that_can_never_match_again_gives_none_quickly() -> None:
    recurrence = Recurrence.parse("FREQ=DAILY;INTERVAL=7;BYDAY=MO")
    tuesday = local("UTC", 2025, 1, 7, 9, 0)
    began = time.perf_counter()
    following = recurrence.next_due(
        series_start=tuesday, previous_due=tuesday, completed_at=tuesday, tz="UTC", occurrence=1
    )
    assert following is None
    assert time.perf_counter() - began < 1.0


def test_an_occurrence_beyond_the_search_horizon_counts_as_none() -> None:
    start = local("UTC", 2025, 1, 1, 9, 0)
    recurrence = Recurrence.from_preset("yearly", interval=1000)
    assert (
        recurrence.next_due(
            series_start=start, previous_due=start, completed_at=start, tz="UTC", occurrence=1
        )
        is None
    )


@pytest.mark.parametrize(
    "rule", ["FREQ=YEARLY;INTERVAL=1000", "FREQ=YEARLY;INTERVAL=500;BYMONTH=3"]
)
def test_a_rule_whose_second_date_is_beyond_the_horizon_is_refused_up_front(rule: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Recurrence.parse(rule).check_expands(series_start=local("UTC", 2025, 1, 1, 9, 0))
    assert caught.value.fields == {
        "recurrence.rule": "RRULE: gives no second date within 100 years"
    }


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;INTERVAL=100",
        "FREQ=YEARLY;INTERVAL=1000;COUNT=1",
        "FREQ=YEARLY;INTERVAL=1000;UNTIL=20300101",
        "FREQ=MONTHLY;INTERVAL=1000",
    ],
)
def test_a_rule_that_ends_by_count_or_until_or_repeats_within_the_horizon_is_accepted(
    rule: str,
) -> None:
    Recurrence.parse(rule).check_expands(series_start=local("UTC", 2025, 1, 1, 9, 0))


def test_a_rule_is_checked_in_the_owners_zone_where_its_dates_are_counted() -> None:
    # January 1, 00:30 in Berlin is still December in UTC: counted from there, every second
    # month of January never came, and the task was refused (a hypothesis example)
    start = local("Europe/Berlin", 2031, 1, 1, 0, 30)
    rule = Recurrence.parse("FREQ=MONTHLY;INTERVAL=2;BYMONTH=1")
    rule.check_expands(series_start=start, tz="Europe/Berlin")
    assert rule.next_due(
        series_start=start,
        previous_due=start,
        completed_at=start,
        tz="Europe/Berlin",
        occurrence=1,
    ) == local("Europe/Berlin", 2032, 1, 1, 0, 30)
    with pytest.raises(InvalidInput):  # and a zone where it is December refuses it
        rule.check_expands(series_start=start, tz="UTC")


def test_a_previous_due_date_moved_later_by_hand_continues_after_it() -> None:
    start = local("UTC", 2025, 1, 6, 9, 0)
    moved = local("UTC", 2025, 1, 15, 18, 0)
    following = Recurrence.parse("FREQ=WEEKLY;BYDAY=MO,WE").next_due(
        series_start=start, previous_due=moved, completed_at=moved, tz="UTC", occurrence=3
    )
    assert wall(following) == "2025-01-20 Mon 09:00 +0000"


# next due dates: bad arguments


def test_a_naive_datetime_is_a_programming_error() -> None:
    naive = datetime(2025, 1, 6, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        Recurrence.parse("FREQ=DAILY").next_due(
            series_start=naive, previous_due=naive, completed_at=naive, tz="UTC", occurrence=1
        )


def test_an_unknown_time_zone_is_invalid_input() -> None:
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput) as caught:
        Recurrence.parse("FREQ=DAILY").next_due(
            series_start=start,
            previous_due=start,
            completed_at=start,
            tz="Mars/Olympus",
            occurrence=1,
        )
    assert list(caught.value.fields) == ["timezone"]


def test_a_daily_task_forty_years_overdue_is_next_due_the_morning_after_its_completion() -> None:
    due = local(NEW_YORK, 1990, 1, 1, 9, 0)
    done = local(NEW_YORK, 2030, 6, 12, 14, 30)
    following = Recurrence.parse("FREQ=DAILY").next_due(
        series_start=due, previous_due=due, completed_at=done, tz=NEW_YORK, occurrence=1
    )
    assert wall(following, NEW_YORK) == "2030-06-13 Thu 09:00 -0400"


def test_a_monthly_task_years_overdue_keeps_its_day_and_its_interval() -> None:
    due = local(BERLIN, 2001, 3, 31, 8, 0)  # every 5 months on the 31st (or the month's last day)
    done = local(BERLIN, 2029, 11, 2, 12, 0)
    following = Recurrence.parse("FREQ=MONTHLY;INTERVAL=5").next_due(
        series_start=due, previous_due=due, completed_at=done, tz=BERLIN, occurrence=1
    )
    assert wall(following, BERLIN) == "2029-12-31 Mon 08:00 +0100"  # 2001-03 + 345 months


def test_monday_and_the_last_wednesday_of_the_month_means_either_of_them() -> None:
    series = walk("FREQ=MONTHLY;BYDAY=MO,-1WE", local(NEW_YORK, 2031, 1, 6, 9, 0), 6, NEW_YORK)
    assert [moment[:14] for moment in series] == [
        "2031-01-06 Mon",
        "2031-01-13 Mon",
        "2031-01-20 Mon",
        "2031-01-27 Mon",
        "2031-01-29 Wed",
        "2031-02-03 Mon",
    ]
    assert series[1] == "2031-01-13 Mon 09:00 -0500"


def test_bysetpos_with_a_byday_list_mixing_plain_and_ordinal_days_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        Recurrence.parse("FREQ=MONTHLY;BYDAY=MO,-1WE;BYSETPOS=1")
    assert "BYSETPOS" in caught.value.fields["recurrence.rule"]


def test_a_series_ends_at_the_last_year_the_api_accepts_and_says_so() -> None:
    start = datetime(8999, 12, 30, 9, 0, tzinfo=UTC)
    assert walk("FREQ=DAILY", start, 5) == [
        "8999-12-30 Mon 09:00 +0000",
        "8999-12-31 Tue 09:00 +0000",
    ]
    reason = Recurrence.parse("FREQ=DAILY").end_reason(occurrence=2)
    assert "before the year 9000" in reason
