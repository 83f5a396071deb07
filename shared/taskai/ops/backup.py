"""`taskai backup PATH` and `taskai restore PATH`, for both stores, with progress and a checksum.

SQLite: the online backup API, from a connection that holds one read transaction, so the copy
is the database as of one moment while the server keeps writing (WAL lets writers go on).
PostgreSQL: pg_dump's custom format (one consistent snapshot) and pg_restore, in one
transaction, into an empty database. Each backup gets PATH.sha256 (sha256sum's format), which a
restore checks before it touches anything.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from taskai.adapters.db import SCHEMAS
from taskai.errors import TaskAIError

Progress = Callable[[str], None]
SQLITE_MAGIC, PG_MAGIC = b"SQLite format 3\x00", b"PGDMP"
PAGES_PER_STEP = 256


class BackupError(TaskAIError):
    code = "backup_failed"


@dataclass(frozen=True)
class Backup:
    """A finished backup: where, how big, and its SHA-256."""

    path: Path
    size: int
    sha256: str


def backup(url: str, path: Path, *, progress: Progress = lambda _: None) -> Backup:
    """Copy the database at `url` to `path` (a SQLite file or a pg_dump archive), readable by
    its owner only (0600: it holds password hashes and webhook secrets)."""
    path = path.resolve()
    draft = path.with_name(path.name + ".partial")
    draft.unlink(missing_ok=True)
    os.close(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # kept by the tools
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_file(parsed), draft, progress)
    else:
        _pg_dump(parsed, draft, progress)
    os.replace(draft, path)
    digest = sha256(path)
    checksum_file(path).write_text(f"{digest}  {path.name}\n")
    return Backup(path, path.stat().st_size, digest)


def restore(url: str, path: Path, *, progress: Progress = lambda _: None) -> None:
    """Load the backup at `path` into the empty database at `url`, after checking its sum."""
    verify(path)
    parsed = make_url(url)
    with path.open("rb") as f:
        magic = f.read(16)
    if parsed.get_backend_name() == "sqlite":
        if not magic.startswith(SQLITE_MAGIC):
            raise BackupError(f"{path} is not a SQLite backup")
        _sqlite_restore(path, _sqlite_file(parsed), progress)
    else:
        if not magic.startswith(PG_MAGIC):
            raise BackupError(f"{path} is not a pg_dump custom-format archive")
        _pg_restore(parsed, path, progress)


def sha256(path: Path) -> str:
    """The SHA-256 hex digest of the file at `path`, read in 1 MiB blocks; raises OSError."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_file(path: Path) -> Path:
    """Where `path`'s checksum lives: the same name plus ".sha256" (sha256sum format)."""
    return path.with_name(path.name + ".sha256")


def verify(path: Path) -> None:
    """Refuse a backup whose checksum file is missing or does not match."""
    sums = checksum_file(path)
    if not path.is_file() or not sums.is_file():
        raise BackupError(f"{path} or its checksum file {sums.name} is missing")
    expected = sums.read_text().split()[0] if sums.read_text().strip() else ""
    if sha256(path) != expected:
        raise BackupError(f"{path} does not match its checksum: damaged or changed")


# ---- SQLite ------------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def _sqlite_backup(source: Path, draft: Path, progress: Progress) -> None:
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    dst = sqlite3.connect(draft)
    try:
        src.execute("BEGIN")  # one read transaction: every page copied is of the same moment
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()

        def report(_status: int, remaining: int, total: int) -> None:
            progress(f"copied {total - remaining}/{total} pages")

        src.backup(dst, pages=PAGES_PER_STEP, progress=report)
        src.rollback()
    finally:
        dst.close()
        src.close()


def _sqlite_restore(backup_file: Path, target: Path, progress: Progress) -> None:
    if target.exists():
        with sqlite3.connect(target) as existing:
            tables = existing.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        existing.close()
        if tables:
            raise BackupError(f"{target} is not empty: restore into a new database")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:

        def report(_status: int, remaining: int, total: int) -> None:
            progress(f"restored {total - remaining}/{total} pages")

        src.backup(dst, pages=PAGES_PER_STEP, progress=report)
        (check,) = dst.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupError(f"the restored database fails its integrity check: {check}")
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)


# ---- PostgreSQL --------------------------------------------------------------------------------


def _pg_environment(url: URL) -> dict[str, str]:
    """libpq's variables for the tools: the password never goes on a command line."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def server_major(url: URL) -> int:
    """The PostgreSQL server's major version (17 for 17.2), from server_version_num; raises
    SQLAlchemy errors."""
    engine = create_engine(url.set(drivername="postgresql+pg8000"))
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    finally:
        engine.dispose()
    return number // 10000


def pg_tool(name: str, major: int) -> str:
    """A client tool at least as new as the server (pg_dump refuses a newer server):
    $TASKAI_PG_BIN, else /usr/lib/postgresql/<major or newer>/bin, else the PATH."""
    chosen = os.environ.get("TASKAI_PG_BIN")
    if chosen:
        return str(Path(chosen) / name)
    installed = sorted(
        (int(p.parent.parent.name), p)
        for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")
        if p.parent.parent.name.isdigit()
    )
    for version, tool in installed:
        if version >= major:
            return str(tool)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL {major} client tools)")
    return found


def _run(
    command: list[str], env: dict[str, str], progress: Progress, step: re.Pattern[str]
) -> None:
    """Run a pg tool with --verbose, reporting each table it moves; fail with its last words."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    tail: list[str] = []
    for line in process.stderr:
        tail = [*tail[-20:], line.rstrip()]
        if match := step.search(line):
            progress(match.group(0))
    if process.wait() != 0:
        raise BackupError(f"{Path(command[0]).name} failed: " + " | ".join(tail[-5:]))


def _pg_dump(url: URL, draft: Path, progress: Progress) -> None:
    tool = pg_tool("pg_dump", server_major(url))
    command = [tool, "--format=custom", "--no-owner", "--no-privileges", "--verbose"]
    command += [f"--file={draft}"]
    _run(command, _pg_environment(url), progress, re.compile(r"dumping contents of table \S+"))


def _pg_restore(url: URL, archive: Path, progress: Progress) -> None:
    _refuse_non_empty(url)
    tool = pg_tool("pg_restore", server_major(url))
    command = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    command += ["--verbose", f"--dbname={url.database}", str(archive)]
    _run(command, _pg_environment(url), progress, re.compile(r"processing data for table \S+"))


def _refuse_non_empty(url: URL) -> None:
    engine = create_engine(url.set(drivername="postgresql+pg8000"))
    names = ", ".join(f"'{s}'" for s in (*SCHEMAS, "public"))
    query = f"SELECT count(*) FROM information_schema.tables WHERE table_schema IN ({names})"
    try:
        with engine.connect() as connection:
            tables = connection.execute(text(query)).scalar_one()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"database {url.database} is not empty: restore into a new database")
