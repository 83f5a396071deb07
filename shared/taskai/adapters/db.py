"""Engines: PostgreSQL through pg8000, or the embedded SQLite file, with the same tables."""

from __future__ import annotations

import os
import select
import threading
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, InvalidatePoolError

from taskai.errors import Clash, Duplicate, Unavailable

SCHEMAS = ("tasks", "events", "notifications", "audit")
SQLITE_SCHEMAS: dict[str | None, str | None] = dict.fromkeys(SCHEMAS)  # all in the one file
READ_ONLY = "taskai_read_only"  # a connection execution option: this transaction only reads
# A connection execution option: the seconds a write transaction waits for SQLite's writer
# turn (default: the statement timeout; 0: only a turn free now, else "database is locked")
WRITE_WAIT_S = "taskai_write_wait_s"


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    connect_timeout_s: float = 5.0,
    statement_timeout_s: float = 10.0,
) -> Engine:
    """An engine for `url` whose every wait is bounded: connecting (`connect_timeout_s`), a
    statement or a lock (`statement_timeout_s`, PostgreSQL's statement_timeout or SQLite's busy
    timeout) and a free pooled connection; SQLite gets WAL, foreign keys and queued writes."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=parsed.get_driver_name() != "pg8000",  # pg8000: see still_open
            pool_recycle=1800,
            pool_timeout=statement_timeout_s,
            hide_parameters=True,  # an error's log line names the statement, never the values
        )
        if parsed.get_driver_name() == "pg8000":
            limits = _Pg8000Limits(connect_timeout_s, statement_timeout_s)
            event.listen(engine, "do_connect", limits.connect)
            event.listen(engine, "connect", limits.connected)
            event.listen(engine, "connect", _pg8000_connect)
            event.listen(engine, "checkout", still_open)
            # An executemany INSERT goes as multi-row VALUES batches, each one statement (as
            # psycopg2's dialect does), not as one round trip per row (pg8000's executemany).
            engine.dialect.use_insertmanyvalues_wo_returning = True
        return engine
    if parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": statement_timeout_s},
        hide_parameters=True,  # an error's log line names the statement, never the values
    )
    busy_ms = round(statement_timeout_s * 1000)
    event.listen(engine, "connect", lambda connection, _: _sqlite_connect(connection, busy_ms))
    writer = _SqliteWriterQueue(parsed.database, statement_timeout_s)
    event.listen(engine, "begin", writer.begin)
    event.listen(engine, "commit", writer.commit)
    event.listen(engine, "rollback", writer.rollback)
    return engine.execution_options(schema_translate_map=SQLITE_SCHEMAS)


class _Pg8000Limits:
    """pg8000's one socket `timeout` covers connecting and every read: connect with the short
    one, then read with the statement timeout plus a margin (the server cancels a statement
    first), and ask for that statement_timeout and custom plans in the startup packet (no
    extra round trip).
    Its connections prepare each parameterised statement once (see pg8000_prepared)."""

    MARGIN_S = 5.0

    def __init__(self, connect_timeout_s: float, statement_timeout_s: float) -> None:
        self.connect_timeout_s, self.statement_timeout_s = connect_timeout_s, statement_timeout_s

    def connect(self, dialect: Any, _record: Any, args: Any, params: dict[str, Any]) -> Any:
        """Open the connection; a socket error while connecting (pg8000 lets a reset during its
        SSL probe escape as a bare OSError) becomes the DBAPI's InterfaceError, as SQLAlchemy
        expects of a failed connect."""
        params["timeout"] = self.connect_timeout_s
        startup = params.setdefault("startup_params", {})
        startup["statement_timeout"] = str(round(self.statement_timeout_s * 1000))
        # Prepared statements are planned for their values every time: after five runs
        # PostgreSQL may switch to one generic plan, and for a page statement (the owner, the
        # tags, the page size unknown) that plan made a list ten times slower (32 vs 300 req/s).
        startup["plan_cache_mode"] = "force_custom_plan"
        try:
            from taskai.adapters.pg8000_prepared import PreparedConnection

            return PreparedConnection(*args, **params)
        except OSError as e:
            raise dialect.loaded_dbapi.InterfaceError(f"cannot connect: {e!r}") from e

    def connected(self, dbapi_connection: Any, record: Any) -> None:
        record.info[FRESH] = True  # see still_open
        sock = getattr(dbapi_connection, "_usock", None)  # pg8000 keeps no public handle
        if sock is not None:
            sock.settimeout(self.statement_timeout_s + self.MARGIN_S)


# SQLSTATE classes (PostgreSQL Appendix A) that mean "not now": connection exception,
# insufficient resources, operator intervention (shutdown, statement timeout), rollback
# (serialization failure, deadlock).
RETRY_LATER_SQLSTATE_CLASSES = ("08", "53", "57", "40")
SQLITE_BUSY_WORDS = ("locked", "busy", "unable to open")


def unavailable(error: BaseException) -> Unavailable | None:
    """An Unavailable (503, try again) for a database error that says "not now" — no connection,
    a restart, a timeout, a lock held too long — or None for any other error."""
    from sqlalchemy import exc

    busy = isinstance(error, exc.TimeoutError | exc.InterfaceError)  # pool exhausted, network
    if isinstance(error, exc.DBAPIError) and not busy:
        orig, busy = error.orig, error.connection_invalidated
        detail = orig.args[0] if orig is not None and orig.args else None
        if isinstance(detail, dict):  # pg8000: the server's error fields
            busy = busy or str(detail.get("C", ""))[:2] in RETRY_LATER_SQLSTATE_CLASSES
        elif isinstance(error, exc.OperationalError):
            busy = busy or any(word in str(detail) for word in SQLITE_BUSY_WORDS)
    if not busy:
        return None
    return Unavailable("the database is not available right now; try again shortly")


# The unique keys whose clash means "done already", as PostgreSQL (constraint name) and SQLite
# (columns) name them: a second task at one place of a series, an event handled twice.
DUPLICATE_KEYS = (
    "uq_tasks_series_id_occurrence",
    "tasks.series_id, tasks.occurrence",
    "pk_processed_events",
    "processed_events.consumer, processed_events.event_id",
)


def clash(error: IntegrityError) -> Clash:
    """The domain error for an integrity error: Duplicate only for the keys that mean "done
    already"; any other clash is a Conflict (409 over HTTP, retried then dead-lettered in an
    event function)."""
    if any(key in str(error.orig) for key in DUPLICATE_KEYS):
        return Duplicate("that was done already")
    return Clash("the change clashes with existing data")


def private_file(path: Path) -> None:
    """Only the owner may read the embedded database: its folder 0700, the file 0600 (SQLite
    gives its -wal and -shm files the database file's mode)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


TIMESTAMPTZ_OID = 1184


FRESH = "taskai_fresh"  # a connection record's info key: opened, not yet checked out


def still_open(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Check a pooled pg8000 connection as it is checked out, without a round trip: an idle
    connection has nothing to read, so a readable socket means the server closed it (a restart,
    pg_terminate_backend, an idle timeout: its FATAL and then EOF) or spoke out of turn. Raises
    InvalidatePoolError then, as a failed pre-ping does: the pool drops every connection made
    before and retries the checkout on a new one, which (as the pre-ping did) is not checked:
    the pool tries twice, and a second refusal would fail the request. (The pre-ping, an empty
    query, was a round trip in every request.) A peer that vanished without closing shows
    nothing here, nor did it to the ping until its read timed out; the statement's own read
    timeout bounds it."""
    sock = getattr(dbapi_connection, "_usock", None)  # pg8000 keeps no public handle
    if record.info.pop(FRESH, False) or sock is None:
        return
    watch = select.poll()
    watch.register(sock, select.POLLIN | select.POLLPRI)
    if watch.poll(0):  # POLLHUP and POLLERR are reported whether asked for or not
        raise InvalidatePoolError("the server closed the connection while it was idle")


def _pg8000_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.register_in_adapter(TIMESTAMPTZ_OID, timestamptz_in)


def timestamptz_in(text: str) -> datetime | str:
    """PostgreSQL's timestamptz text as an aware datetime, without pg8000's slow strptime."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # infinity, or a year past 9999: pg8000's own rules
        from pg8000.converters import timestamptz_in as pg8000_timestamptz_in

        return pg8000_timestamptz_in(text)


def _sqlite_connect(dbapi_connection: Any, busy_ms: int) -> None:
    dbapi_connection.isolation_level = None  # let "begin" below open the transaction
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "synchronous=NORMAL",
        f"busy_timeout={busy_ms}",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
    from taskai.adapters.task_json import register_sqlite  # the lean read path (#15)

    register_sqlite(dbapi_connection)


class _SqliteWriterQueue:
    """One writer at a time, so concurrent writes wait in turn instead of failing: a write
    transaction first takes an exclusive flock on a file beside the database, then SQLite's
    write lock by BEGIN IMMEDIATE (a transaction that began deferred and then tried to write
    would fail at once with "database is locked" instead). The kernel queues the waiters of
    every thread and process (gunicorn workers) alike, and wakes one as the lock is dropped:
    SQLite's own busy handler sleeps up to 100 ms between tries, so the threads of one worker
    passed the lock among themselves while the other's waited (two workers of 8 threads: wait
    p99 160-220 ms, max 1.1 s, against 53-76 ms and 0.17-0.48 s in turn).
    A transaction marked READ_ONLY begins deferred and skips the queue: under WAL a reader
    sees its snapshot and neither waits for the writer nor holds it up. An in-memory database
    (one process) queues its threads on a lock."""

    WAITERS = 256  # writers of one process waiting at once; more fail at once as "locked"

    def __init__(self, database: str | None, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.path = f"{database}.write-lock" if database and database != ":memory:" else None
        self.lock = threading.Lock()
        self.waiters = threading.Semaphore(self.WAITERS)

    def begin(self, connection: Any) -> None:
        """Take the turn (OperationalError "database is locked" after the timeout), then
        SQLite's write lock; a READ_ONLY transaction takes neither."""
        options = connection.get_execution_options()
        if options.get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        wait_s = options.get(WRITE_WAIT_S, self.timeout_s)
        if self.path is None:
            taken = self.lock.acquire(timeout=wait_s)
            turn: int | bool | None = True if taken else None
        else:
            try:
                turn = _flock_within(self.path, wait_s, self.waiters)
            except OSError as e:  # a 503 naming the file, as for the database file itself
                import sqlite3

                from sqlalchemy.exc import OperationalError

                reason = sqlite3.OperationalError(f"unable to open {self.path}: {e.strerror}")
                raise OperationalError("BEGIN IMMEDIATE", None, reason) from e
        if turn is None:
            import sqlite3

            from sqlalchemy.exc import OperationalError

            raise OperationalError(
                "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")
            )
        connection.info["sqlite_writer_turn"] = turn
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def commit(self, connection: Any) -> None:
        """Commit, then give the turn back. SQLAlchemy calls this before the driver's commit,
        which then finds nothing to do; given the turn first, the next writer's BEGIN IMMEDIATE
        met the commit under way and slept in SQLite's busy handler."""
        try:
            with suppress(Exception):  # the driver's own commit, next, retries and raises it
                connection.connection.dbapi_connection.commit()
        finally:
            self.end(connection)

    def rollback(self, connection: Any) -> None:
        """Roll back, then give the turn back (as `commit`)."""
        try:
            with suppress(Exception):  # the driver's own rollback, next, raises it
                connection.connection.dbapi_connection.rollback()
        finally:
            self.end(connection)

    def end(self, connection: Any) -> None:
        """Give the turn back (once per transaction)."""
        turn = connection.info.pop("sqlite_writer_turn", None)
        if turn is True:
            self.lock.release()
        elif turn is not None:
            os.close(turn)  # closing the descriptor drops its flock


def _flock_within(path: str, timeout_s: float, waiters: threading.Semaphore) -> int | None:
    """A new descriptor of `path` holding an exclusive flock, or None after `timeout_s`.
    flock(2) has no timeout: a waiter blocks in a helper thread (one of `waiters`, so a holder
    that never lets go strands a bounded number), and one given up on drops the lock as soon
    as it gets it."""
    import fcntl

    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    except BaseException:
        os.close(fd)
        raise
    if timeout_s <= 0 or not waiters.acquire(blocking=False):
        os.close(fd)
        return None
    got, guard, abandoned = threading.Event(), threading.Lock(), [False]

    def wait() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            abandoned[0] = True
        finally:
            waiters.release()
        with guard:
            if abandoned[0]:
                os.close(fd)
            else:
                got.set()

    threading.Thread(target=wait, name="sqlite-write-turn", daemon=True).start()
    got.wait(timeout_s)
    with guard:
        if got.is_set():
            return fd
        abandoned[0] = True
    return None
