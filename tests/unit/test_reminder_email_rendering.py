"""Reminder emails as the owner reads them, and how provider answers are classified."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from taskai.adapters.email import ses_failure
from taskai.domain.emails import ReminderNote, format_moment, lead_time, render_reminder

TASK = uuid.UUID("5f0c7a52-3d1e-4b8e-9a6f-2c4d8e1b7a90")
REMINDER = uuid.UUID("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b")


def note(**fields) -> ReminderNote:
    values = {
        "reminder_id": REMINDER,
        "task_id": TASK,
        "title": "Send the quarterly report",
        "priority": "high",
        "due_at": datetime(2025, 3, 7, 16, 0, tzinfo=UTC),
        "minutes_before": 60,
        "timezone": "America/New_York",
        "name": "Ann",
        **fields,
    }
    return ReminderNote(**values)


def render(**fields):
    return render_reminder(
        note(**fields), to="ann@example.com", sender="TaskAI <r@x.io>", public_url="https://t.io/"
    )


def test_the_email_names_the_task_its_due_time_in_the_owners_zone_its_priority_and_a_link():
    email = render()
    assert email.subject == "Reminder: Send the quarterly report (due in 1 hour)"
    assert (email.to, email.sender, email.key) == (
        "ann@example.com",
        "TaskAI <r@x.io>",
        f"reminder/{REMINDER}",
    )
    assert "Due:      Friday 7 March 2025, 11:00 EST" in email.text
    assert "Priority: high" in email.text and email.text.startswith("Hi Ann,")
    assert f"https://t.io/tasks/{TASK}" in email.text
    assert "Friday 7 March 2025, 11:00 EST" in email.html
    assert f'href="https://t.io/tasks/{TASK}"' in email.html


def test_the_due_time_follows_daylight_saving_and_a_12_hour_clock_on_request():
    summer = datetime(2025, 7, 4, 13, 30, tzinfo=UTC)
    assert render(due_at=summer).text.count("Friday 4 July 2025, 09:30 EDT") == 1
    assert "9:30 AM EDT" in render(due_at=summer, hour_cycle=12).text
    assert "12:05 AM" in render(due_at=datetime(2025, 7, 4, 4, 5, tzinfo=UTC), hour_cycle=12).text


def test_an_all_day_task_is_due_on_its_date_without_a_time():
    start_of_day = datetime(2025, 3, 7, 5, 0, tzinfo=UTC)  # 00:00 in New York
    email = render(due_at=start_of_day, all_day=True, minutes_before=1440)
    assert "Due:      Friday 7 March 2025 (all day)" in email.text
    assert "Friday 7 March 2025 (all day)" in email.html and "00:00" not in email.text


def test_html_in_a_title_is_escaped_and_the_subject_stays_on_one_line():
    email = render(title="<script>alert(1)</script>\nand more")
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert email.subject == "Reminder: <script>alert(1)</script> and more (due in 1 hour)"
    assert "\n" not in email.subject


def test_a_reminder_at_a_fixed_time_on_a_task_without_due_date_says_so_plainly():
    email = render(due_at=None, minutes_before=None)
    assert email.subject == "Reminder: Send the quarterly report"
    assert "Due:" not in email.text and "Due<" not in email.html


def test_the_same_reminder_renders_to_the_same_bytes():
    assert render() == render()  # a retry carries the same body under the same idempotency key


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(0, "due now"), (15, "due in 15 minutes"), (60, "due in 1 hour"), (90, "due in 90 minutes"),
     (1440, "due in 1 day"), (2880, "due in 2 days"), (10080, "due in 1 week")],
)  # fmt: skip
def test_the_lead_time_is_said_in_the_largest_whole_unit(minutes, words):
    assert lead_time(minutes) == words


def test_a_moment_is_formatted_with_weekday_day_month_year_time_and_zone():
    from zoneinfo import ZoneInfo

    moment = datetime(2031, 1, 31, 8, 0, tzinfo=UTC)
    assert format_moment(moment, ZoneInfo("Europe/Berlin")) == "Friday 31 January 2031, 09:00 CET"


@pytest.mark.parametrize(
    ("code", "status", "transient"),
    [("Throttling", 400, True), ("ServiceUnavailable", 503, True), ("InternalFailure", 500, True),
     ("MessageRejected", 400, False), ("MailFromDomainNotVerifiedException", 400, False)],
)  # fmt: skip
def test_ses_throttling_and_server_errors_are_transient_and_rejections_permanent(
    code, status, transient
):
    response = {
        "Error": {"Code": code, "Message": "x"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    assert ses_failure(response).transient is transient
