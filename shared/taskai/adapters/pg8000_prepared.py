"""pg8000 with each parameterised statement parsed once per connection, not on every execution.

Stock pg8000 rescans the SQL text character by character to turn `%s` into `$1` on every
execution, then spends three round trips on it (Parse, Describe, Bind/Execute, each waited for).
Here the rewritten text is cached per process and the statement is prepared once per connection
under a name: later executions are one Bind/Execute round trip, and a transaction's BEGIN goes
out with its first statement instead of on a round trip of its own. COMMIT and ROLLBACK go as
simple queries (one round trip instead of three). Errors map to the DBAPI classes as in pg8000.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from pg8000 import legacy
from pg8000.converters import make_params
from pg8000.core import SYNC_MSG, Context, _flush, _write
from pg8000.dbapi import DatabaseError, IntegrityError, InterfaceError, ProgrammingError

MAX_PREPARED = 500  # per connection; past it, statements run unnamed as pg8000 runs them
# A statement of more parameters (a bulk INSERT's batch) runs unnamed: kept prepared, each batch
# size would hold its parse tree in the server for the connection's life.
MAX_PREPARED_PARAMS = 2000
INTEGRITY_CLASS, INVALID_AUTHORIZATION = "23", "28000"  # SQLSTATEs (PostgreSQL, Appendix A)


def numbered(paramstyle: str, operation: str) -> str:
    """`operation` with its placeholders as $1, $2, … (pg8000's own rewrite, done once); a bulk
    INSERT's batch (long) in a cache of its own, so that a few of them are kept, not 2,048."""
    if len(operation) > LONG_STATEMENT:
        return _numbered_long(paramstyle, operation)
    return _numbered(paramstyle, operation)


LONG_STATEMENT = 20_000  # characters


def _convert(paramstyle: str, operation: str) -> str:
    return str(legacy.convert_paramstyle(paramstyle, operation, ())[0])


_numbered, _numbered_long = lru_cache(maxsize=2048)(_convert), lru_cache(maxsize=8)(_convert)


class PreparedConnection(legacy.Connection):
    """A pg8000 connection whose cursors prepare each parameterised statement once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepared: dict[str, tuple[bytes, Any, Any]] = {}

    def cursor(self) -> PreparedCursor:
        """A cursor that runs parameterised statements prepared."""
        return PreparedCursor(self, legacy.paramstyle)

    def execute_prepared(self, statement: str, vals: Sequence[Any], *, begin: bool) -> Any:
        """Run `statement` ($n placeholders) with `vals`, after BEGIN when `begin` (sent with
        it: one round trip for both); pg8000's Context of the result."""
        found = self._prepared.get(statement)
        if found is None:
            if len(self._prepared) >= MAX_PREPARED or len(vals) > MAX_PREPARED_PARAMS:
                if begin:
                    self.execute_simple("begin transaction")
                return self.execute_unnamed(statement, vals=vals)
            found = self.prepare_statement(statement, ())
            self._prepared[statement] = found
        name, columns, input_funcs = found
        params = make_params(self.py_types, vals)
        if not begin:
            return self.execute_named(name, params, columns, input_funcs, statement)
        result = Context(columns=columns, input_funcs=input_funcs, statement=statement)
        opened = self._send_begin()
        self.send_BIND(name, params)
        self.send_EXECUTE()
        _write(self._sock, SYNC_MSG)
        return self._answers(opened, result)

    def execute_plain(self, statement: str, *, begin: bool) -> Any:
        """Run a statement without parameters as a simple query (as pg8000 does), after BEGIN
        when `begin`, sent with it (one round trip); pg8000's Context."""
        if not begin:
            return self.execute_simple(statement)
        opened = self._send_begin()
        self.send_QUERY(statement)
        return self._answers(opened, Context(statement))

    def _send_begin(self) -> Any:
        """Write BEGIN without flushing it: it leaves with the statement after it."""
        self.send_QUERY("begin transaction")
        return Context("begin transaction")

    def _answers(self, opened: Any, result: Any) -> Any:
        """Send what is written, read BEGIN's answer and then the statement's (read even when
        BEGIN failed, so that none is left over); the statement's Context."""
        _flush(self._sock)
        try:
            self.handle_messages(opened)
        finally:
            self.handle_messages(result)
        return result

    def commit(self) -> None:
        """Commit, in one round trip; raises InterfaceError("network error") if the socket fails,
        IntegrityError for a constraint checked at commit."""
        with network_errors():
            try:
                self.execute_simple("commit")
            except DatabaseError as e:
                raise dbapi_error(e) from e

    def rollback(self) -> None:
        """Roll back (when a transaction is open), in one round trip; raises InterfaceError
        ("network error") if the socket fails."""
        if self._in_transaction:
            with network_errors():
                self.execute_simple("rollback")


def dbapi_error(error: DatabaseError) -> DatabaseError:
    """The DBAPI class of a server's error (PEP 249): every integrity constraint violation
    (SQLSTATE class 23: unique, foreign key, not null, check, exclusion) an IntegrityError, an
    invalid authorization an InterfaceError, anything else a ProgrammingError. pg8000 makes only
    a unique violation an IntegrityError, so a broken foreign key was a 500, not a 409."""
    detail = error.args[0]
    if not isinstance(detail, dict):
        return ProgrammingError(detail)
    code = str(detail.get("C", ""))
    if code.startswith(INTEGRITY_CLASS):
        return IntegrityError(detail)
    return (InterfaceError if code == INVALID_AUTHORIZATION else ProgrammingError)(detail)


@contextmanager
def network_errors() -> Iterator[None]:
    """pg8000 lets the first read of an answer raise the socket's own error (a reset, a read
    timeout, a read after one): raise it as the DBAPI's InterfaceError("network error"), which
    SQLAlchemy's pg8000 dialect takes for a lost connection, so the pool drops the connection
    and the request is a 503, instead of a bare OSError (a 500) and a broken pooled connection."""
    try:
        yield
    except OSError as e:
        raise InterfaceError("network error") from e


class PreparedCursor(legacy.Cursor):
    """pg8000's cursor, but positional parameters go through the connection's prepared path,
    and a BEGIN pg8000 would send first goes out with the statement."""

    def execute(self, operation: str, args: Any = (), stream: Any = None) -> PreparedCursor:
        """Execute `operation` with `args`; raises pg8000's DBAPI errors as pg8000 does."""
        if stream is not None or isinstance(args, Mapping) or self._input_oids:
            try:
                return super().execute(operation, args, stream)
            except DatabaseError as e:
                raise dbapi_error(e) from e
        con = self._c
        if con is None:
            raise InterfaceError("Cursor closed")
        try:
            begin = not con._in_transaction and not con.autocommit
            with network_errors():
                if not args:
                    self._context = con.execute_plain(operation, begin=begin)
                else:
                    statement = numbered(self.paramstyle, operation)
                    self._context = con.execute_prepared(statement, args, begin=begin)
        except AttributeError as e:
            if con._sock is None:
                raise InterfaceError("connection is closed") from e
            raise
        except DatabaseError as e:
            raise dbapi_error(e) from e
        rows = self._context.rows
        self._row_iter = iter([] if rows is None else rows)
        self.input_types: list[Any] = []
        return self
