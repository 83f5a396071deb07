"""The phrase table: every phrase reads into its expected draft, in every language and zone."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phrase_table import TABLE, Row, check
from taskai.domain.quickadd import parse


@pytest.mark.parametrize("row", TABLE, ids=[f"{row.language}:{row.text}" for row in TABLE])
def test_each_phrase_of_the_table_reads_into_its_draft(row: Row) -> None:
    check(parse(row.text, now=row.now, tz=row.tz, language=row.language), row)


def test_every_recognised_part_is_reported_with_its_span() -> None:
    text = "Webinar tomorrow 5pm PST #work !high"
    draft = parse(text, now=TABLE[0].now, tz=TABLE[0].tz)
    assert [(text[s["start"] : s["end"]], s["kind"]) for s in draft.spans] == [
        ("tomorrow", "date"),
        ("5pm", "time"),
        ("PST", "zone"),
        ("#work", "tag"),
        ("!high", "priority"),
    ]


def test_the_table_has_at_least_three_hundred_phrases_in_four_languages() -> None:
    counts = Counter(row.language for row in TABLE)
    assert sum(counts.values()) >= 300, counts
    assert set(counts) == {"en", "de", "es", "fr"} and min(counts.values()) >= 50, counts


def test_the_table_spans_zones_south_of_the_equator_and_off_the_hour() -> None:
    offsets = {row.now.utcoffset() for row in TABLE}
    assert any(offset and offset.seconds % 3600 for offset in offsets)
    assert {"Australia/Sydney", "America/Argentina/Buenos_Aires"} <= {row.tz for row in TABLE}


WORDS = st.sampled_from(
    [
        "morgen",
        "übermorgen",
        "um",
        "17",
        "Uhr",
        "halb",
        "jeden",
        "Montag",
        "außer",
        "am",
        "Wochenende",
        "mañana",
        "a",
        "las",
        "y",
        "media",
        "todos",
        "los",
        "lunes",
        "excepto",
        "demain",
        "à",
        "18h30",
        "tous",
        "les",
        "jours",
        "sauf",
        "le",
        "week-end",
        "15.",
        "3/4",
        "el",
        "le",
        "am",
        '"',
        "#tag",
        "!hoch",
        "//",
        "Ende",
        "des",
        "Monats",
        "fin",
        "de",
        "mes",
        "🎉",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["de", "es", "fr"]), st.lists(WORDS, min_size=1, max_size=10))
def test_any_mix_of_foreign_words_reads_into_a_draft_with_spans_inside_the_text(
    language: str, words: list[str]
) -> None:
    text = " ".join(words)
    draft = parse(text, now=TABLE[0].now, tz=TABLE[0].tz, language=language)
    assert draft.title
    for span in draft.spans:
        assert 0 <= span["start"] <= span["end"] <= len(text)
