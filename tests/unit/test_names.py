"""Names as people read them: a name must show at least one character (Unicode's
Default_Ignorable_Code_Point ones, white space and controls are not drawn)."""

from __future__ import annotations

import pytest

from taskai.domain.names import shows


@pytest.mark.parametrize(
    ("name", "drawn"),
    [
        ("Work", True),
        ("\u200bWork", True),
        ("👩\u200d💻", True),  # a joiner inside an emoji sequence
        ("e\u0301", True),
        ("\u200b", False),  # zero-width space
        ("\u200c\u200d\u2060", False),  # joiners, word joiner
        ("\ufeff", False),  # byte order mark
        ("\u00ad", False),  # soft hyphen
        ("\u3164", False),  # Hangul filler
        ("\u0301", True),  # a combining mark alone is drawn on a dotted circle
        ("\U000609d5", True),  # unassigned: drawn as a box
        ("\x01\x7f", False),  # controls
        ("\U000e0041", False),  # a tag character
        ("\u3000", False),  # ideographic space
    ],
)
def test_a_name_shows_when_some_character_of_it_is_drawn(name: str, drawn: bool) -> None:
    assert shows(name) is drawn
