"""Reminder emails: what the owner reads, rendered from plain values (no I/O, no clock).

The same reminder always renders to the same message, so a retry sends byte-identical content
(a provider's idempotency key refuses a retry whose body differs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

PRIORITY_COLORS = {"low": "#6b7280", "medium": "#2563eb", "high": "#d97706", "urgent": "#dc2626"}
UNITS = ((7 * 24 * 60, "week"), (24 * 60, "day"), (60, "hour"), (1, "minute"))


@dataclass(frozen=True)
class Email:
    """One message ready for a provider; `key` names it, so a resend is recognized."""

    to: str
    sender: str
    subject: str
    text: str
    html: str
    key: str


@dataclass(frozen=True)
class ReminderNote:
    """What a reminder email tells its owner."""

    reminder_id: uuid.UUID
    task_id: uuid.UUID
    title: str
    priority: str
    due_at: datetime | None
    minutes_before: int | None
    timezone: str
    name: str = ""
    hour_cycle: int = 24  # 24 ("17:30") or 12 ("5:30 PM")
    all_day: bool = False  # all-day tasks (#16): due on a date, shown without a time


def render_reminder(note: ReminderNote, *, to: str, sender: str, public_url: str) -> Email:
    """The reminder email, plain text and HTML, times in the owner's zone."""
    title = " ".join(note.title.split())  # one line: it is also the subject
    due = when_due(note)
    link = f"{public_url.rstrip('/')}/tasks/{note.task_id}"
    subject = f"Reminder: {title}"
    if note.minutes_before is not None and due:
        subject += f" ({lead_time(note.minutes_before)})"
    return Email(
        to=to,
        sender=sender,
        subject=subject,
        text=render_text(note, title=title, due=due, link=link),
        html=render_html(note, title=title, due=due, link=link),
        key=f"reminder/{note.reminder_id}",
    )


def render_text(note: ReminderNote, *, title: str, due: str | None, link: str) -> str:
    """The plain-text body (greeting, title, due time if any, priority, task link), ending in a
    newline."""
    lines = [f"Hi {note.name}," if note.name else "Hi,", "", f"A reminder about: {title}", ""]
    if due:
        lines.append(f"Due:      {due}")
    lines += [f"Priority: {note.priority}", "", f"Open the task: {link}", "", "— TaskAI"]
    return "\n".join(lines) + "\n"


def render_html(note: ReminderNote, *, title: str, due: str | None, link: str) -> str:
    """The HTML body with the same content; every owner-supplied value is HTML-escaped, priority
    colored."""
    color = PRIORITY_COLORS.get(note.priority, "#2563eb")
    greeting = f"Hi {escape(note.name)}," if note.name else "Hi,"
    rows = [("Due", escape(due))] if due else []
    rows.append(
        ("Priority", f'<span style="color:{color};font-weight:600">{escape(note.priority)}</span>')
    )
    table = "".join(
        f'<tr><td style="padding:2px 12px 2px 0;color:#6b7280">{label}</td><td>{value}</td></tr>'
        for label, value in rows
    )
    return (
        '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111827">'
        f"<p>{greeting}</p><p>A reminder about:</p>"
        f'<h2 style="margin:0 0 12px">{escape(title)}</h2>'
        f"<table>{table}</table>"
        f'<p><a href="{escape(link, quote=True)}">Open the task</a></p>'
        '<p style="color:#6b7280">— TaskAI</p></body></html>'
    )


def when_due(note: ReminderNote) -> str | None:
    """The due time as the owner reads it, or None for a task without one."""
    if note.due_at is None:
        return None
    if note.all_day:
        local = note.due_at.astimezone(ZoneInfo(note.timezone))
        return f"{local:%A} {local.day} {local:%B %Y} (all day)"
    return format_moment(note.due_at, ZoneInfo(note.timezone), hour_cycle=note.hour_cycle)


def format_moment(moment: datetime, zone: ZoneInfo, *, hour_cycle: int = 24) -> str:
    """E.g. "Friday 7 March 2025, 10:00 EST" (or "10:00 AM EST" on a 12-hour clock)."""
    local = moment.astimezone(zone)
    if hour_cycle == 12:
        clock = f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    else:
        clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{local:%A} {local.day} {local:%B %Y}, {clock} {local.tzname() or zone.key}"


def lead_time(minutes_before: int) -> str:
    """How long before the due time the reminder fires: "due in 1 hour", "due now"."""
    if not minutes_before:
        return "due now"
    size, unit = next((size, unit) for size, unit in UNITS if minutes_before % size == 0)
    count = minutes_before // size
    return f"due in {count} {unit}{'s' if count != 1 else ''}"
