"""Account emails: the password-reset message, rendered from plain values (no I/O)."""

from __future__ import annotations

from html import escape

from taskai.domain.emails import Email


def render_password_reset(*, to: str, sender: str, link: str, minutes: int, key: str) -> Email:
    """The message carrying a single-use reset link."""
    text = (
        "Someone (hopefully you) asked to reset your TaskAI password.\n\n"
        f"Choose a new one here within {minutes} minutes; the link works once:\n{link}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
    )
    html = (
        "<p>Someone (hopefully you) asked to reset your TaskAI password.</p>"
        f'<p><a href="{escape(link)}">Choose a new password</a> within {minutes} minutes; '
        "the link works once.</p><p>If it was not you, ignore this email: your password "
        "stays as it is.</p>"
    )
    return Email(
        to=to, sender=sender, subject="Reset your TaskAI password", text=text, html=html, key=key
    )
