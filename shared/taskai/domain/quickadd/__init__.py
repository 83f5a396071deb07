"""Rule-based quick-add: turn "Pay rent every month on the 1st at 9am #home" into a draft task."""

# Documented choices; all times are wall-clock times in the user's zone ``tz``.
#
# Dates and times
# - A date without a time or a part of day is all-day ("call mom tomorrow": all of tomorrow;
#   due_date is the start of that day, `all_day` set); so is a repeat without a date or time
#   ("every monday": all-day, from its first matching day, today included); a zone named
#   beside such a date is ignored (noted). Parts of day: morning 09:00, afternoon 15:00,
#   evening 19:00, night and tonight 20:00 (tonight means today), noon/midday 12:00,
#   eod/cob/"end of day" 17:00, midnight 23:59 (the end of the given day).
# - A time alone ("at 5pm") is today, or tomorrow when it has already passed (noted);
#   "this morning/evening" stays today. A bare hour needs at/by/before/around/@: 1-7 without
#   am/pm is the afternoon ("at 5" = 17:00, noted), 8-11 the morning, unless a part of day
#   says otherwise ("tonight at 9" = 21:00, "tomorrow morning at 7" = 07:00).
# - "friday" and "this friday" = the coming Friday, strictly after today ("this friday" said on
#   a Friday is today); "next friday" = the Friday of next week, weeks starting on Monday
#   (noted when it differs from the coming Friday). A bare weekday is read as a date (noted:
#   quote it to keep it as text); abbreviations (fri, sat, sun) need on/by/due/this/next.
# - "this weekend" = the coming Saturday (today on a weekend day), "next weekend" a week later,
#   "next week" = next Monday, "next month" = its 1st, "on the 15th" = the next 15th.
#   "in 3 days/2 weeks" keeps the default time; "in 2 hours/30 minutes" is now plus that much
#   real time (seconds dropped).
# - A date without a year is the next one that is not in the past (feb 29 finds a leap year);
#   3/15 is US month/day, and "1/2 cup" (a measure follows) is not a date. An impossible
#   date (feb 30, 13/45) sets no due date, stays in the title and is noted. With several
#   dates the first wins; the others stay in the title (noted).
# - A wall time skipped by DST moves forward by the gap, a repeated one takes the first
#   occurrence (both noted).
# - "the day after tomorrow", "3 days from now", "a week from tomorrow", "in a fortnight".
#   Times in words: "half past 6pm", "quarter to 5", "ten past noon", "12 noon", "5 in the
#   afternoon", "9 at night", "17h30". Period ends: "end of the week" is Sunday (noted with the
#   Friday), of the month/quarter/year their last day; "eom", "end of february", "last day of
#   next month". "the 15th of next month", "next month on the 3rd", "the first of the month".
# - Short weekday names (sat, sun, wed) need a connector (on, by, next) or a clock time beside
#   them ("Gym sat 10am"); common misspellings of weekday and month names are read.
# - A zone after the time ("5pm PST", "17:00 UTC+2", "9am Pacific time") means the wall time
#   there, converted to the user's zone. Abbreviations name the region's zone (noted when the
#   season differs: PST in July is PDT), shared ones (CST, IST, BST) note the other meaning,
#   an unknown one after a time is noted and left in the title.
# - "next friday" notes the other Friday it may mean.
#
# Recurrence
# - A rule without an explicit date is due at its first matching day, at the given time (or
#   the part of day as in "every evening"; all-day without either), that is not in the past; the
#   series (and its INTERVAL) starts there. An explicit date becomes the due date as given.
#   "every!" anchors on completion, everything else on the due date.
# - "except weekends", "but friday", "excluding mon and tue" after a daily or weekly rule
#   become the BYDAY list of the days that remain; after any other rule they are noted.
#
# Priority
# - !low !medium !high !urgent; !1 = p1 = urgent, !2 = p2 = high, !3 = p3 = medium,
#   !4 = p4 = low; a standalone ! = medium, !! = high, !!! = urgent ("Call mom!" is text);
#   the words "urgent" and "asap" = urgent, "high priority", "priority: low". Explicit markers
#   beat words, then the first one wins (noted when they disagree).
#
# Reminders
# - "remind me 1 day before" = {"minutes_before": 1440} (months and years are not offsets).
#   "remind me at 8am" is on the due date's day, or without a due date today when still
#   ahead, else tomorrow; "remind me tomorrow at 9" and "remind me in 2 hours" are absolute.
#   A leading "remind me to" is dropped from the title.
#
# Text
# - Text in "..." or “...” is literal (quotes removed). Text after the first " // " or newline
#   is the description. Tags are kept as typed, de-duplicated ignoring case; a digits-only
#   #123, C#, and a # inside a URL or e-mail address are text. Read parts leave the title,
#   which is trimmed of dangling connectors (at, on, by, every, due) and stray punctuation
#   next to them; when nothing is left the title is the original text.
# - Every part read is reported as a span {start, end, kind} of the typed text.
#
# Languages
# - de, es and fr phrases are rewritten into this English grammar piece by piece (see
#   translate.py); titles and spans come from the typed text. Notes are in English.

from typing import TYPE_CHECKING, Any

from .draft import Draft

if TYPE_CHECKING:
    from .parser import parse
else:

    def __getattr__(name: str) -> Any:
        """The parser, imported on first use (its phrase tables load slowly; a cold start and
        the filter language's date words need only the context)."""
        if name != "parse":
            raise AttributeError(name)
        from .parser import parse

        return parse

__all__ = ["Draft", "parse"]
