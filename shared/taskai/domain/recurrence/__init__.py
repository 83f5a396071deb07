"""Task recurrence: a validated subset of RFC 5545 RRULE and the next due date it gives.

`rule` parses and validates the RRULE text, `occurrences` finds the next date of a series,
`words` says a rule and the end of its series in English; `Recurrence` is the value tasks hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from taskai.domain.vocabulary import Preset
from taskai.errors import InvalidInput

from . import occurrences, words
from .occurrences import HORIZON_YEARS
from .rule import (
    ANCHORS,
    MAX_INTERVAL,
    MAX_RULE_LENGTH,
    PRESETS,
    WHOLE_1_TO_1000,
    invalid,
    parse_anchor,
    parse_rule,
    rule_body,
)

__all__ = ["ANCHORS", "HORIZON_YEARS", "MAX_INTERVAL", "MAX_RULE_LENGTH", "PRESETS", "Recurrence"]


@dataclass(frozen=True)
class Recurrence:
    """How a task repeats: a normalized RRULE body and what the next date is counted from."""

    rule: str
    anchor: str = "due"

    def __post_init__(self) -> None:
        """Validate and normalize both fields, so every instance is usable."""
        object.__setattr__(self, "rule", parse_rule(rule_body(self.rule)).text())
        object.__setattr__(self, "anchor", parse_anchor(self.anchor))

    @classmethod
    def parse(cls, rule: str, anchor: str = "due") -> Recurrence:
        """Validate and normalize an RRULE (any case, optional "RRULE:" prefix)."""
        return cls(rule, anchor)

    @classmethod
    def from_preset(cls, preset: str, interval: int = 1, anchor: str = "due") -> Recurrence:
        """Build a rule from a preset name (daily, weekdays, weekly, monthly, yearly)."""
        key = preset.strip().lower() if isinstance(preset, str) else ""
        if key not in PRESETS:
            raise invalid("preset", f"'{preset}' is not a preset; use {', '.join(PRESETS)}")
        if type(interval) is not int or not 1 <= interval <= MAX_INTERVAL:
            raise invalid("interval", f"'{interval}' is not {WHOLE_1_TO_1000}")
        return cls(f"{PRESETS[Preset(key)]};INTERVAL={interval}", anchor)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> Recurrence:
        """Build from API input: {"rule", "anchor"?} or {"preset", "interval"?, "anchor"?}."""
        if not isinstance(data, Mapping):
            raise InvalidInput("Invalid recurrence", fields={"recurrence": "must be an object"})
        unknown = sorted(set(data) - {"rule", "preset", "interval", "anchor"})
        if unknown:
            raise invalid(str(unknown[0]), "unknown field")
        if ("rule" in data) == ("preset" in data):
            message = "give either a rule or a preset"
            raise InvalidInput(f"Invalid recurrence: {message}", fields={"recurrence": message})
        anchor = "due" if data.get("anchor") is None else data["anchor"]
        if "rule" not in data:
            interval = 1 if data.get("interval") is None else data["interval"]
            return cls.from_preset(data["preset"], interval, anchor)
        if "interval" in data:
            raise invalid("interval", "only goes with a preset; put INTERVAL in the rule")
        return cls(data["rule"], anchor)

    def to_dict(self) -> dict[str, str]:
        """The stored and serialized form."""
        return {"rule": self.rule, "anchor": self.anchor}

    def describe(self) -> str:
        """The rule in English words, e.g. "every 2 weeks on Monday and Wednesday"."""
        return words.describe(parse_rule(self.rule), self.anchor)

    def next_due(
        self,
        *,
        series_start: datetime,
        previous_due: datetime,
        completed_at: datetime,
        tz: str,
        occurrence: int,
    ) -> datetime | None:
        """The next due date (UTC) after completing occurrence number `occurrence`, or None.

        Missed dates roll over (see `occurrences.next_due`). Naive datetimes raise ValueError;
        an unknown zone raises InvalidInput.
        """
        return occurrences.next_due(
            parse_rule(self.rule),
            self.anchor,
            series_start=series_start,
            previous_due=previous_due,
            completed_at=completed_at,
            tz=tz,
            occurrence=occurrence,
        )

    def check_expands(self, *, series_start: datetime, tz: str = "UTC") -> None:
        """Refuse (InvalidInput on recurrence.rule) a rule that gives no date from `series_start`
        (aware) on in zone `tz`, or never repeats within the horizon (see
        occurrences.check_expands)."""
        occurrences.check_expands(parse_rule(self.rule), series_start=series_start, tz=tz)

    def end_reason(self, occurrence: int) -> str:
        """Why next_due gave None after occurrence number `occurrence`, in words."""
        return words.end_reason(parse_rule(self.rule), occurrence)
