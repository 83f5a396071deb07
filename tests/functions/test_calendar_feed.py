"""The calendar feed over HTTP, on both stores: a secret URL serving iCalendar that two
independent parsers (icalendar and vobject) read alike, rotatable, bounded and cacheable."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr

from support import Api
from taskai.domain.recurrence.occurrences import next_due
from taskai.domain.recurrence.rule import parse_rule

NEW_YORK = ZoneInfo("America/New_York")
YEAR = datetime.now(UTC).year + 1


def feed_url(user: Api) -> str:
    """The path of `user`'s feed, created on first use."""
    response = user.post("/api/calendar/token")
    assert response.status_code == 200, response.json
    return path_of(response.json["url"])


def path_of(url: str) -> str:
    return url[url.index("/api/") :]


def fetch(api: Api, path: str, **headers: str):
    """The feed's answer, fetched without a bearer token (the URL is the credential)."""
    return api.client.get(path, headers=headers)


def both(body: bytes) -> tuple[dict, dict]:
    """The VEVENTs of the feed by UID, read by icalendar and by vobject."""
    ours = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    theirs = {e.uid.value: e for e in vobject.readOne(body.decode()).vevent_list}
    assert set(ours) == set(theirs)
    return ours, theirs


def make(user: Api, **fields) -> dict:
    response = user.post("/api/tasks", fields)
    assert response.status_code == 201, response.json
    return response.json


def test_the_url_is_none_until_created_and_rotating_makes_the_old_one_404(alice, api):
    assert alice.get("/api/calendar").json == {"url": None, "created_at": None}
    first = feed_url(alice)
    assert alice.get("/api/calendar").json["url"].endswith(first)
    assert fetch(api, first).status_code == 200
    second = feed_url(alice)
    assert second != first
    assert alice.get("/api/calendar").json["url"].endswith(second)
    gone = fetch(api, first)
    assert gone.status_code == 404 and gone.json["error"]["code"] == "not_found"
    assert fetch(api, second).status_code == 200


def test_an_unknown_token_is_404_and_an_api_token_cannot_show_or_rotate_the_url(alice, api):
    assert fetch(api, "/api/calendar/not-a-token.ics").status_code == 404
    made = alice.post("/api/tokens", {"name": "s", "scopes": ["account:read", "tasks:read"]})
    script = Api(alice.client.application, made.json["token"])
    assert script.post("/api/calendar/token").status_code == 403
    assert script.get("/api/calendar").status_code == 403


def test_tasks_with_due_dates_become_events_both_parsers_read_alike(alice, api):
    timed = make(
        alice,
        title="Dentist",
        description="Bring the card",
        due_date=f"{YEAR}-03-10T14:30:00",
        priority="urgent",
        tags=["health", "errands"],
        reminders=[{"minutes_before": 30}],
    )
    all_day = make(alice, title="Mom's birthday", due_date=f"{YEAR}-07-04", priority="low")
    make(alice, title="Someday")  # no due date: not in the feed
    done = make(alice, title="Paid rent", due_date=f"{YEAR}-01-01T09:00:00")
    assert alice.post(f"/api/tasks/{done['id']}/complete").status_code == 200
    response = fetch(api, feed_url(alice))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    ours, theirs = both(response.data)
    assert set(ours) == {f"{t['id']}@taskai" for t in (timed, all_day, done)}

    uid = f"{timed['id']}@taskai"
    start = datetime(YEAR, 3, 10, 14, 30, tzinfo=NEW_YORK)
    assert ours[uid].decoded("DTSTART") == start == theirs[uid].dtstart.value
    assert ours[uid]["DTSTART"].params["TZID"] == "America/New_York"
    assert str(ours[uid]["SUMMARY"]) == theirs[uid].summary.value == "Dentist"
    assert str(ours[uid]["DESCRIPTION"]) == theirs[uid].description.value == "Bring the card"
    assert ours[uid]["PRIORITY"] == 1 and theirs[uid].priority.value == "1"
    assert ours[uid]["URL"].endswith(f"/tasks/{timed['id']}")
    assert sorted(ours[uid].categories) == ["errands", "health"]
    (alarm,) = ours[uid].walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)
    assert theirs[uid].valarm.trigger.value == timedelta(minutes=-30)

    uid = f"{all_day['id']}@taskai"
    assert ours[uid].decoded("DTSTART") == date(YEAR, 7, 4) == theirs[uid].dtstart.value
    assert ours[uid].decoded("DTEND") == date(YEAR, 7, 5) == theirs[uid].dtend.value
    assert ours[uid]["PRIORITY"] == 9

    uid = f"{done['id']}@taskai"
    assert str(ours[uid]["SUMMARY"]) == theirs[uid].summary.value == "✓ Paid rent"
    assert "RRULE" not in ours[uid] and "VALARM" not in response.data.decode().split(uid)[1]


FIRST_MONDAY = next(date(YEAR, 2, d) for d in range(1, 8) if date(YEAR, 2, d).weekday() == 0)


@pytest.mark.parametrize(
    ("rule", "due"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,TH", f"{FIRST_MONDAY}T09:00:00"),  # across the March DST change
        ("FREQ=DAILY;INTERVAL=3;COUNT=10", f"{YEAR}-02-02T18:15:00"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", f"{YEAR}-01-31"),  # all-day, each month's last day
    ],
)
def test_the_rrule_expands_to_taskais_own_occurrences(alice, api, rule, due):
    task = make(alice, title="Series", due_date=due, recurrence={"rule": rule})
    ours, theirs = both(fetch(api, feed_url(alice)).data)
    uid = f"{task['id']}@taskai"
    event = ours[uid]
    dtstart = event.decoded("DTSTART")
    start = datetime.combine(dtstart, datetime.min.time()) if "T" not in due else dtstart
    ical_dates = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    vobject_dates = theirs[uid].getrruleset(addRDate=True)
    expected = occurrences(rule, task, 12)
    as_day = "T" not in due
    assert [moment_of(d, as_day) for d in itertools.islice(ical_dates, 12)] == expected
    assert [moment_of(d, as_day) for d in itertools.islice(vobject_dates, 12)] == expected


def occurrences(rule: str, task: dict, count: int) -> list[datetime]:
    """TaskAI's own due dates of the series, each occurrence completed when due (UTC)."""
    start = datetime.fromisoformat(task["due_date"]).astimezone(UTC)
    found, due = [start], start
    for number in range(1, count):
        following = next_due(
            parse_rule(rule),
            "due",
            series_start=start,
            previous_due=due,
            completed_at=due,
            tz="America/New_York",
            occurrence=number,
        )
        if following is None:
            break
        found.append(following)
        due = following
    return found


def moment_of(value: date | datetime, as_day: bool) -> datetime:
    """A parsed occurrence as a UTC instant (a date: its start in New York)."""
    if as_day:
        day = value.date() if isinstance(value, datetime) else value
        return datetime.combine(day, datetime.min.time(), NEW_YORK).astimezone(UTC)
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def test_a_poll_with_the_current_etag_gets_304_until_something_changes(alice, api):
    make(alice, title="One", due_date=f"{YEAR}-05-01T10:00:00")
    path = feed_url(alice)
    first = fetch(api, path)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] and "no-store" not in first.headers["Cache-Control"]
    again = fetch(api, path, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    make(alice, title="Two", due_date=f"{YEAR}-05-02T10:00:00")
    changed = fetch(api, path, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"SUMMARY:Two" in changed.data


def test_the_feed_is_bounded_open_tasks_first(alice, api, monkeypatch):
    from taskai.services import calendar

    monkeypatch.setattr(calendar, "MAX_EVENTS", 3)
    made = [make(alice, title=f"T{n}", due_date=f"{YEAR}-06-0{n}T10:00:00") for n in range(1, 6)]
    assert alice.post(f"/api/tasks/{made[0]['id']}/complete").status_code == 200
    ours, _ = both(fetch(api, feed_url(alice)).data)
    assert sorted(str(e["SUMMARY"]) for e in ours.values()) == ["T2", "T3", "T4"]


def test_another_users_tasks_are_never_in_the_feed(alice, bob, api):
    make(alice, title="Alice's", due_date=f"{YEAR}-05-01T10:00:00")
    make(bob, title="Bob's", due_date=f"{YEAR}-05-01T10:00:00")
    alices, _ = both(fetch(api, feed_url(alice)).data)
    bobs, _ = both(fetch(api, feed_url(bob)).data)
    assert [str(e["SUMMARY"]) for e in alices.values()] == ["Alice's"]
    assert [str(e["SUMMARY"]) for e in bobs.values()] == ["Bob's"]


def test_the_feeds_secret_url_stays_out_of_the_request_log(alice, api, caplog):
    path = feed_url(alice)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    with caplog.at_level("INFO", logger="taskai.http"):
        caplog.clear()  # only this block's requests: feed_url's own may be logged too
        assert fetch(api, path).status_code == 200
        assert fetch(api, path.replace(token, "not-a-token")).status_code == 404
    here = threading.get_ident()  # a thread left by an earlier test may log its own request
    logged = [r.path for r in caplog.records if r.getMessage() == "request" and r.thread == here]
    assert logged == ["/api/calendar/<token>.ics"] * 2
    assert token not in caplog.text
