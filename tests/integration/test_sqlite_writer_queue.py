"""The embedded store's writes queue instead of failing: the threads and processes (here two
engines, as two gunicorn workers have) of one file on a flock beside it, then BEGIN IMMEDIATE."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from taskai.adapters.db import make_engine, unavailable


def test_sixty_four_concurrent_writes_from_two_engines_all_commit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    engines = [make_engine(url), make_engine(url)]
    with engines[0].begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))

    def bump(i: int) -> None:
        with engines[i % 2].begin() as connection:  # read, then write: the classic lost upgrade
            n = connection.execute(text("SELECT n FROM counter")).scalar_one()
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(bump, range(64)))  # any "database is locked" would raise here
    with engines[0].connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 64
    for engine in engines:
        engine.dispose()


def test_a_writer_waiting_past_the_timeout_is_told_to_come_back_later(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}", statement_timeout_s=0.2)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with engine.begin():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    try:
        with pytest.raises(OperationalError) as raised, engine.begin():
            pass
        assert unavailable(raised.value) is not None  # 503 with Retry-After over HTTP
    finally:
        release.set()
        holder.join()
    with engine.begin():  # the turn was given back
        pass
    engine.dispose()


def test_a_read_only_unit_of_work_reads_while_a_writer_holds_the_turn(tmp_path: Path) -> None:
    from sqlalchemy.orm import sessionmaker

    from taskai.adapters.unit_of_work import UnitOfWork

    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}", statement_timeout_s=0.2)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (7)"))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with engine.begin() as connection:
            connection.execute(text("UPDATE counter SET n = 8"))
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    try:
        with UnitOfWork(sessionmaker(bind=engine), read_only=True) as uow:
            # the snapshot before the writer's uncommitted change, read without queueing
            assert uow.session.execute(text("SELECT n FROM counter")).scalar_one() == 7
        with pytest.raises(OperationalError), engine.begin():  # a writer still queues
            pass
    finally:
        release.set()
        holder.join()
    engine.dispose()


@contextmanager
def turn_held_by_another_process(database: Path) -> Iterator[Callable[[], None]]:
    """A process holding the write turn of `database` until the yielded function is called."""
    hold = (
        "import fcntl, os, sys\n"
        f"fd = os.open({str(database)!r} + '.write-lock', os.O_CREAT | os.O_RDWR, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.readline()\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def let_go() -> None:
        other.communicate("go\n", timeout=5)

    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        yield let_go
    finally:
        other.kill()
        other.wait()


def test_a_writer_of_another_process_holds_the_turn_until_it_lets_go(tmp_path: Path) -> None:
    """The turn is a lock the kernel keeps for every process: a gunicorn worker's write waits
    for the other worker's, in the kernel's queue rather than in SQLite's sleeping retries."""
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    done = threading.Event()

    def write() -> None:
        with engine.begin():
            done.set()

    with turn_held_by_another_process(tmp_path / "queue.db") as let_go:
        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.2)  # queued behind the other process
        let_go()
        writer.join(5)
        assert done.is_set()
    engine.dispose()


def test_writers_that_gave_up_leave_a_bounded_number_of_waiters_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskai.adapters import db

    monkeypatch.setattr(db._SqliteWriterQueue, "WAITERS", 2)
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}", statement_timeout_s=0.2)
    with turn_held_by_another_process(tmp_path / "queue.db") as let_go:
        for _ in range(3):  # the third is refused at once: two wait already
            with pytest.raises(OperationalError) as raised, engine.begin():
                pass
            assert unavailable(raised.value) is not None
        waiters = [t for t in threading.enumerate() if t.name == "sqlite-write-turn"]
        assert len(waiters) == 2
        let_go()
    for waiter in waiters:  # each given-up waiter takes the turn, drops it and ends
        waiter.join(5)
        assert not waiter.is_alive()
    with engine.begin():  # the turn is free, and so are the waiters' places
        pass
    engine.dispose()


def test_a_write_lock_that_cannot_be_opened_is_a_503_naming_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    (tmp_path / "queue.db.write-lock").mkdir()  # unopenable even for root, unlike a chmod
    with pytest.raises(OperationalError) as raised, engine.begin():
        pass
    assert unavailable(raised.value) is not None
    assert "queue.db.write-lock" in str(raised.value)
    engine.dispose()
