"""Tags: per-user labels with a color, unique by name regardless of case."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from taskai.domain.names import checked_name, name_key
from taskai.errors import InvalidInput

COLOR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_NAME_LENGTH = 50
PALETTE = ("#db4035", "#ff9933", "#fad000", "#7ecc49", "#299438", "#14aaf5", "#4073ff", "#884dff")


def clean_tag_name(name: str, field_name: str = "name") -> str:
    """Trim a tag name and check it is 1-50 characters, one of them drawn, without a leading
    '#' or commas; raises InvalidInput naming `field_name`."""
    name = " ".join(name.split()).lstrip("#")
    checked_name(name, max_length=MAX_NAME_LENGTH, field_name=field_name, what="tag name")
    if "," in name:
        raise InvalidInput("tag name must not contain commas", fields={field_name: "no commas"})
    return name


def clean_color(color: str, field_name: str = "color") -> str:
    """Return the color in lower-case `#rrggbb` form, or raise InvalidInput."""
    if not COLOR.fullmatch(color):
        raise InvalidInput(f"bad color {color!r}", fields={field_name: "must be #rrggbb"})
    return color.lower()


def default_color(name: str) -> str:
    """A stable color from the palette, so a new tag looks the same everywhere."""
    return PALETTE[sum(name.lower().encode()) % len(PALETTE)]


@dataclass(eq=False)
class Tag:
    """A label on tasks."""

    user_id: uuid.UUID
    name: str
    color: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    change_seq: int = 0
    key: str = ""  # the name as people read it (normalized, case-folded), unique per user

    def __post_init__(self) -> None:
        self.key = name_key(self.name)

    @classmethod
    def new(cls, *, user_id: uuid.UUID, name: str, color: str | None, now: datetime) -> Tag:
        """A tag with a checked name and color (a palette color when none is given)."""
        name = clean_tag_name(name)
        color = clean_color(color) if color else default_color(name)
        return cls(user_id=user_id, name=name, color=color, created_at=now, updated_at=now)

    def rename(self, name: str, *, now: datetime) -> None:
        """Give the tag a new name."""
        self.name = clean_tag_name(name)
        self.key = name_key(self.name)
        self.updated_at = now

    def recolor(self, color: str, *, now: datetime) -> None:
        """Give the tag a new color."""
        self.color = clean_color(color)
        self.updated_at = now
