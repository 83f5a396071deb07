"""The moment and zone a phrase is read in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from taskai.errors import InvalidInput


@dataclass(frozen=True)
class Context:
    """The reader's clock: ``now`` in the user's zone, and that zone."""

    now: datetime
    zone: tzinfo
    today: date

    @classmethod
    def at(cls, now: datetime, tz: str) -> Context:
        """Build a context from an aware ``now`` and an IANA zone name."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise InvalidInput("now must be timezone-aware", fields={"now": "naive datetime"})
        zone = _zone(tz)
        local = now.astimezone(zone)
        return cls(now=local, zone=zone, today=local.date())

    def elsewhere(self, zone: tzinfo) -> Context:
        """Return the same clock read in another zone, keeping the reader's today for "tomorrow"."""
        return Context(now=self.now.astimezone(zone), zone=zone, today=self.today)

    @property
    def minute(self) -> datetime:
        """Return ``now`` truncated to the minute, the base of relative times."""
        return self.now.replace(second=0, microsecond=0)


def _zone(tz: str) -> ZoneInfo:
    """Return the zone named ``tz`` or raise ``InvalidInput``."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise InvalidInput(f"unknown time zone {tz!r}", fields={"tz": "unknown zone"}) from error
