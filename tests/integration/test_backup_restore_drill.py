"""The restore drill, on both stores: make data, back up while writes go on, restore into an
empty database, and compare every table row for row."""

from __future__ import annotations

import re
import stat
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from support import POSTGRES_URL, drop_database, settle
from taskai import bootstrap, cli
from taskai.adapters.db import SCHEMAS, make_engine
from taskai.config import get_settings
from taskai.ops import backup

MARK = "written-during-backup"
FTS_SHADOW = re.compile(r"_(data|idx|docsize|config|content)$")


def make_data(alice: Any, bob: Any) -> None:
    """A bit of everything: tags, reminders, a recurring series with history, a deletion."""
    for user, zone in ((alice, "home"), (bob, "work")):
        for i in range(15):
            body: dict[str, Any] = {"title": f"Task {i} for {zone}", "tags": [zone, f"t{i % 3}"]}
            if i % 4 == 0:
                body |= {"due_date": "2031-01-31T09:00:00", "reminders": [{"minutes_before": 60}]}
            assert user.post("/api/tasks", body).status_code == 201
    series = alice.post(
        "/api/tasks",
        {
            "title": "Pay rent",
            "due_date": "2031-01-01T09:00:00",
            "recurrence": {"preset": "monthly"},
        },
    ).json
    alice.post(f"/api/tasks/{series['id']}/complete")
    gone = bob.post("/api/tasks", {"title": "Short-lived"}).json
    bob.call("DELETE", f"/api/tasks/{gone['id']}")
    alice.post("/api/auth/login", {"email": alice.email, "password": "wrong"})
    settle()


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sorted), by qualified table name."""
    engine = make_engine(url, pool_size=1)
    found: dict[str, list[tuple[Any, ...]]] = {}
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                # FTS5's shadow tables hold index pages that merges rewrite: the index is
                # compared through its virtual table, and checked by FTS5 on the restored side.
                tables = inspect(connection).get_table_names()
                names = [(None, t) for t in tables if not FTS_SHADOW.search(t)]
            else:
                listed = inspect(connection)
                names = [(s, t) for s in ("public", *SCHEMAS) for t in listed.get_table_names(s)]
            for schema, table in names:
                qualified = f'"{schema}"."{table}"' if schema else f'"{table}"'
                result = connection.execute(text(f"SELECT * FROM {qualified}"))
                found[qualified] = sorted((tuple(r) for r in result), key=repr)
    finally:
        engine.dispose()
    return found


def split(table: list[tuple[Any, ...]], marks: set[str]) -> tuple[set[str], set[str]]:
    """(rows untouched by the writer, the writer's rows), as comparable text."""
    mine = {repr(r) for r in table if any(m in repr(r) for m in marks)}
    return {repr(r) for r in table} - mine, mine


class Writer(threading.Thread):
    """Keeps creating tasks through the API until stopped, as users would during a backup."""

    def __init__(self, user: Any) -> None:
        super().__init__(daemon=True)
        self.user, self.ids, self.stop = user, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            response = self.user.post("/api/tasks", {"title": f"{MARK} {len(self.ids)}"})
            assert response.status_code == 201, response.json
            self.ids.append(response.json["id"])


@pytest.fixture
def empty_target(database: str, tmp_path: Path) -> str:
    """An empty database of the same kind to restore into."""
    if database == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'taskai.db'}"
    assert POSTGRES_URL
    name = make_engine(POSTGRES_URL).url.database + "_restore"
    # DROP DATABASE waits for a checkpoint, which a busy server may take well over 10 s to finish
    admin = make_engine(POSTGRES_URL, pool_size=1, statement_timeout_s=300).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        drop_database(connection, name)
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_engine(POSTGRES_URL).url.set(database=name).render_as_string(False))


def run_cli(monkeypatch: pytest.MonkeyPatch, url: str, *argv: str) -> int:
    """`taskai …` with DATABASE_URL (or DATA_DIR, for SQLite) pointing at `url`."""
    with monkeypatch.context() as env:
        if url.startswith("sqlite"):
            env.delenv("DATABASE_URL", raising=False)
            env.setenv("DATA_DIR", str(Path(url.removeprefix("sqlite:///")).parent))
        else:
            env.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            return cli.main(list(argv))
        finally:
            get_settings.cache_clear()


def test_a_backup_taken_while_writes_go_on_restores_row_for_row(
    api, alice, bob, database, empty_target, tmp_path, monkeypatch, capsys
):
    make_data(alice, bob)
    bootstrap.relay().stop()  # the writer's events stay in the outbox: no row changes after
    source = get_settings().sqlalchemy_url
    writer = Writer(api.as_new_user())
    writer_id = writer.user.get("/api/auth/me").json["id"]
    writer.start()
    while len(writer.ids) < 3:  # writes are under way before the backup starts
        threading.Event().wait(0.01)
    archive = tmp_path / "taskai.backup"
    assert run_cli(monkeypatch, source, "backup", str(archive)) == 0
    during = len(writer.ids)
    while len(writer.ids) < during + 3:  # and go on after it
        threading.Event().wait(0.01)
    writer.stop.set()
    writer.join()
    printed = capsys.readouterr()
    assert backup.sha256(archive) in printed.out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # password hashes, webhook secrets
    assert "backup: " in printed.err  # progress
    assert run_cli(monkeypatch, empty_target, "restore", str(archive)) == 0

    before, after = rows(source), rows(empty_target)
    if database == "sqlite":
        engine = make_engine(empty_target, pool_size=1)
        with engine.begin() as connection:  # raises if the full-text index does not match
            connection.execute(text("INSERT INTO tasks_fts(tasks_fts) VALUES ('integrity-check')"))
        engine.dispose()
    assert before.keys() == after.keys()
    ids = [writer_id, *writer.ids]
    marks = {MARK, *ids, *(uuid.UUID(i).hex for i in ids)}  # SQLite keeps uuids as hex
    restored_writes = 0
    for table in before:
        kept, written = split(before[table], marks)
        restored_kept, restored_written = split(after[table], marks)
        assert restored_kept == kept, f"{table} differs from the source"
        if not table.endswith('"users"'):  # the writer's own row changes with each task
            assert restored_written <= written, f"{table} has rows the source never had"
        if table.endswith('"tasks"'):
            restored_writes = len(restored_written)
    # A snapshot: every write is all there (its task and its outbox event) or not at all.
    events = [r for r in after['"events"."outbox"' if database == "postgres" else '"outbox"']]
    created = [
        r for r in events if "task.created" in repr(r) and any(i in repr(r) for i in writer.ids)
    ]
    assert restored_writes == len(created)
    assert len(writer.ids) > 0
    counts = {table: len(after[table]) for table in sorted(after)}
    print(f"\nrestored row counts ({database}): {counts}")  # the drill's report
    bootstrap.reset()


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    database, empty_target, tmp_path, monkeypatch
):
    archive = tmp_path / "taskai.backup"
    assert run_cli(monkeypatch, get_settings().sqlalchemy_url, "backup", str(archive)) == 0
    with archive.open("r+b") as f:
        f.seek(archive.stat().st_size // 2)
        f.write(b"\x00garbage\x00")
    assert run_cli(monkeypatch, empty_target, "restore", str(archive)) == 1
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore(empty_target, archive)


def test_a_restore_never_overwrites_a_database_that_has_data(database, tmp_path, monkeypatch):
    archive = tmp_path / "taskai.backup"
    url = get_settings().sqlalchemy_url
    assert run_cli(monkeypatch, url, "backup", str(archive)) == 0
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(url, archive)
