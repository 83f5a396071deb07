"""The embedded store's writes queue instead of failing: threads on a lock, processes (here two
engines, as two gunicorn workers have) on SQLite's write lock taken by BEGIN IMMEDIATE."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
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
