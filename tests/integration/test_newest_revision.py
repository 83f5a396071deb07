"""The cheap schema check of `taskai serve` agrees with Alembic about the newest revision."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from taskai.adapters.migrate import alembic_config, newest_revision, stored_revision, upgrade


def test_the_newest_revision_read_from_file_names_is_alembics_single_head() -> None:
    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads() == [
        newest_revision()
    ]


def test_a_missing_file_has_no_revision_and_a_migrated_one_has_the_newest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'taskai.db'}"
    assert stored_revision(url) is None
    upgrade(url)
    assert stored_revision(url) == newest_revision()
