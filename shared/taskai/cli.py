"""The `taskai` command: run everything locally, migrate a database, bridge Kafka to HTTP,
replay dead letters, or export and import an account."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from taskai import logs
from taskai.adapters.http_delivery import Delivery
from taskai.config import ConfigurationError, Settings, get_settings
from taskai.ops import cluster

DELIVERY = Delivery()  # the defaults of `taskai kafka-source`


def main(argv: list[str] | None = None) -> int:
    """Run `taskai dev|serve|migrate|kafka-source|redrive|backup|restore|cluster|export|import`
    from `argv`; returns the exit status (2 for bad configuration)."""
    args = build_parser().parse_args(argv)
    if args.command == "cluster":
        return cluster.main(args)
    if args.command == "kafka-source":
        return kafka_source(args)
    if args.command == "redrive":
        return redrive(args)
    try:
        settings = get_settings()
    except ConfigurationError as e:
        print(f"taskai: {e.message}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    try:
        if args.command in ("migrate", "backup", "restore", "export", "import"):
            return data_command(args, settings.sqlalchemy_url, embedded=settings.embedded)
        return run_server(args, settings)
    except Exception as e:
        line = environment_failure(args.command, e)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1


def environment_failure(command: str, error: BaseException) -> str | None:
    """The one line `taskai <command>` prints when its environment fails it (a file or folder
    it cannot make or open: the OSError's reason and path; an SQLite file it cannot open; a
    database busy or unreachable), or None for any other error, whose traceback is wanted."""
    import sqlite3

    from taskai.adapters.db import unavailable

    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"taskai {command}: {error.strerror or error}{where}"
    if isinstance(error, sqlite3.OperationalError):  # read before SQLAlchemy loads (migrate)
        return (f"taskai {command}: {error}; check that this user can read and write DATA_DIR "
                "and the files in it")  # fmt: skip
    if unavailable(error) is None:
        return None
    reason = getattr(error, "orig", None) or error
    return f"taskai {command}: the database is busy or unreachable ({reason}); try again shortly"


def run_server(args: argparse.Namespace, settings: Settings) -> int:
    """`taskai dev|serve`: check the ports, migrate a database that is behind, and serve until
    stopped; 2 for a port that is taken."""
    from taskai.adapters.migrate import upgrade_if_behind

    if args.events_port and args.events_port == args.port:  # with SO_REUSEPORT both would bind
        print(f"taskai: --events-port must differ from --port (both {args.port})", file=sys.stderr)
        return 2
    for host, port, option in ((args.host, args.port, "--port"),
                               ("127.0.0.1", args.events_port, "--events-port")):  # fmt: skip
        if taken := port_in_use(host, port):
            print(f"taskai: {host}:{port} is in use ({taken}); choose another with {option}",
                  file=sys.stderr)  # fmt: skip
            return 2
    if public_url := local_public_url(args.host, args.port):
        os.environ["PUBLIC_URL"] = public_url  # links (calendar feed, emails) name this server
        get_settings.cache_clear()
    if upgrade_if_behind(settings.sqlalchemy_url):  # one server: its own database's schema
        which = "the embedded database" if settings.embedded else "the database"
        print(f"taskai: migrated {which} to the newest schema", file=sys.stderr)
    if args.command == "serve":
        from taskai.local.server import serve
    else:
        from taskai.local.devserver import serve

    serve(
        args.host,
        args.port,
        events_port=args.events_port,
        tick_s=args.tick,
        group_prefix=args.kafka_group_prefix,
    )
    return 0


def local_public_url(host: str, port: int) -> str | None:
    """The address links should name when PUBLIC_URL is unset: http://localhost:PORT for a
    server on this machine's loopback or every address, http://HOST:PORT otherwise; None when
    PUBLIC_URL is set or the port is chosen at bind time (0)."""
    if os.environ.get("PUBLIC_URL") or port == 0:
        return None
    name = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "::1", "localhost") else host
    return f"http://{'[' + name + ']' if ':' in name else name}:{port}"


def port_in_use(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on (e.g. "Address already in use"), or None when it
    can; port 0 (any free port) always can."""
    import socket

    if port == 0:
        return None
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
        try:
            probe.bind((host, port))
        except OSError as e:
            return e.strerror or str(e)
    return None


def migrate(url: str) -> int:
    """`taskai migrate`: 0 when the database at `url` has the newest schema, 2 (said on stderr,
    no traceback) when it is unreachable, refuses or names an unknown driver."""
    from sqlalchemy.exc import SQLAlchemyError

    from taskai.adapters.migrate import newest_revision, stored_revision, upgrade

    try:
        before = stored_revision(url)
        upgrade(url)
    except SQLAlchemyError as e:
        print(f"taskai migrate: {type(e).__name__}: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    newest = newest_revision()
    if before == newest:
        print(f"taskai migrate: the database has the newest schema already ({newest})")
    else:
        print(f"taskai migrate: migrated the database from {before or 'nothing'} to {newest}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line: dev, serve, migrate, kafka-source, redrive, backup, restore, export,
    import, cluster."""
    parser = argparse.ArgumentParser(prog="taskai", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    server_options = argparse.ArgumentParser(add_help=False)
    server_options.add_argument("--host", default="127.0.0.1")
    server_options.add_argument("--port", type=int, default=8080)
    server_options.add_argument(
        "--events-port",
        type=int,
        default=8081,
        help="port of the event functions and /metrics, on 127.0.0.1 only (0: any free port)",
    )
    server_options.add_argument(
        "--tick", type=float, default=60.0, help="seconds between schedule pings"
    )
    server_options.add_argument(
        "--kafka-group-prefix", default="", help="prefix of the consumer groups"
    )
    commands.add_parser(
        "dev",
        parents=[server_options],
        help="serve every function on one port, one process (embedded by default)",
    )
    commands.add_parser(
        "serve",
        parents=[server_options],
        help="production server: gunicorn, one worker per core (embedded by default)",
    )
    commands.add_parser("migrate", help="bring the configured database to the newest schema")
    add_kafka_source(commands)
    add_operator_commands(commands)
    add_transfer_commands(commands)
    cluster.add_to(commands)
    return parser


def add_kafka_source(commands: Any) -> None:
    """`taskai kafka-source`: a topic delivered to a URL as Knative's KafkaSource does."""
    source = commands.add_parser("kafka-source", help="deliver a topic to a URL, as KafkaSource")
    source.add_argument("--bootstrap-servers", required=True)
    source.add_argument("--topic", required=True)
    source.add_argument("--group", required=True, help="the consumer group")
    source.add_argument("--sink", required=True, help="URL the CloudEvents are POSTed to")
    source.add_argument("--dead-letter-topic")
    source.add_argument(
        "--dead-letter-sink", help="URL dead letters are POSTed to first (dead-letters function)"
    )
    source.add_argument("--retry", type=int, default=DELIVERY.retry)
    source.add_argument(
        "--backoff-delay",
        type=float,
        default=DELIVERY.backoff_delay_s,
        help="seconds, doubled per retry",
    )
    source.add_argument(
        "--max-backoff",
        type=float,
        default=DELIVERY.max_backoff_s,
        help="seconds, the longest wait between two attempts (a Retry-After included)",
    )
    source.add_argument(
        "--timeout", type=float, default=DELIVERY.timeout_s, help="seconds per delivery"
    )
    source.add_argument("--initial-offset", choices=("latest", "earliest"), default="latest")


def add_operator_commands(commands: Any) -> None:
    """`taskai redrive`, `taskai backup PATH` and `taskai restore PATH`."""
    again = commands.add_parser("redrive", help="replay a dead-letter topic to its function")
    again.add_argument("--topic", required=True, help="the dead-letter topic, e.g. task-events.dlq")
    again.add_argument("--since", help="only what was dead-lettered since: ISO time, or like 2h")
    again.add_argument("--dry-run", action="store_true", help="count, send nothing")
    again.add_argument(
        "--sink", help="URL to POST to (default: the topic's function under `taskai dev`)"
    )
    again.add_argument("--bootstrap-servers", help="default: $KAFKA_BOOTSTRAP_SERVERS")
    saved = commands.add_parser("backup", help="copy the configured database to PATH, online")
    saved.add_argument("path", help="the backup file; PATH.sha256 is written beside it")
    loaded = commands.add_parser(
        "restore", help="load a backup into the (empty) configured database"
    )
    loaded.add_argument("path", help="a file made by `taskai backup`, beside its PATH.sha256")


def add_transfer_commands(commands: Any) -> None:
    """`taskai export [--user EMAIL]` and `taskai import FILE [--user EMAIL] [--todoist]`."""
    user_help = "the account's email (default: the only account)"
    out = commands.add_parser("export", help="write an account's data as JSON to stdout")
    out.add_argument("--user", help=user_help)
    into = commands.add_parser("import", help="import an export or Todoist's CSV into an account")
    into.add_argument("file", help="a file of `taskai export` (or Todoist's CSV with --todoist)")
    into.add_argument("--user", help=user_help)
    into.add_argument("--todoist", action="store_true", help="FILE is Todoist's CSV export")
    into.add_argument("--project", help="with --todoist: the project (default: the file's name)")


def account_of(email: str | None) -> Any:
    """The account `email` names (or the only one); raises TaskAIError naming --user."""
    from taskai import bootstrap
    from taskai.errors import InvalidInput

    with bootstrap.uow(read_only=True) as uow:
        user = uow.users.by_email(email) if email else uow.users.sole()
    if user is None:
        found = f"no account {email}" if email else "more than one account (or none)"
        raise InvalidInput(f"{found}: name one with --user EMAIL", fields={"user": found})
    return user


def data_command(args: argparse.Namespace, url: str, *, embedded: bool) -> int:
    """`taskai migrate|backup|restore|export|import` (errors of the environment: see main)."""
    from taskai.adapters.migrate import upgrade_if_behind

    if args.command == "migrate":
        return migrate(url)
    if args.command in ("backup", "restore"):
        return backup_or_restore(args.command, args.path, url)
    if embedded:
        upgrade_if_behind(url)
    return export_account(args) if args.command == "export" else import_file(args)


def export_account(args: argparse.Namespace) -> int:
    """`taskai export`: the account's export document on stdout; 0 done, 2 no such account."""
    import uuid
    from datetime import UTC, datetime

    from taskai import bootstrap
    from taskai.api.transfer import export_json
    from taskai.errors import TaskAIError
    from taskai.services import transfer

    try:
        user = account_of(args.user)
    except TaskAIError as e:
        print(f"taskai export: {e.message}", file=sys.stderr)
        return 2
    parts = transfer.export_account(uow=bootstrap.uow(read_only=True), user_id=user.id)
    with ProgressBar("export", "task") as bar:
        bar.begin(None)
        for piece in export_json(
            counted(parts, bar), export_id=str(uuid.uuid4()), now=datetime.now(UTC)
        ):
            sys.stdout.write(piece)
    sys.stdout.write("\n")
    return 0


def counted(parts: Iterable[tuple[str, Any]], bar: ProgressBar) -> Iterator[tuple[str, Any]]:
    """export_account's parts as they pass, the tasks counted on `bar`."""
    for kind, items in parts:
        yield kind, items
        if kind == "tasks":
            bar.advance(len(items))


def import_file(args: argparse.Namespace) -> int:
    """`taskai import FILE`: the report on stdout; 0 all imported, 1 some items refused (listed),
    2 nothing imported (no such account or file, not an export)."""
    import hashlib
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from taskai import bootstrap
    from taskai.adapters.unit_of_work import UnitOfWork
    from taskai.api.transfer import export_document
    from taskai.errors import TaskAIError
    from taskai.services import todoist_import, transfer

    now = datetime.now(UTC)
    # No relay kick: the server's relay publishes the outbox to the consumers it runs.
    uow = UnitOfWork(bootstrap.session_factory())
    try:
        user = account_of(args.user)
        raw = Path(args.file).read_bytes()
        with ProgressBar("import", "item") as bar:
            if args.todoist:
                project = args.project or Path(args.file).stem
                report = todoist_import.import_todoist(
                    uow=uow,
                    user_id=user.id,
                    text=raw.decode("utf-8-sig"),
                    project=project,
                    import_id=hashlib.sha256(project.encode() + b"\n" + raw).hexdigest(),
                    now=now,
                    progress=bar,
                )
            else:
                document = export_document(raw)
                report = transfer.import_export(
                    uow=uow,
                    user_id=user.id,
                    document=document,
                    import_id=document["export_id"] or hashlib.sha256(raw).hexdigest(),
                    sender=bootstrap.webhook_sender(),
                    now=now,
                    progress=bar,
                )
    except (OSError, UnicodeDecodeError) as e:
        print(f"taskai import: {e}", file=sys.stderr)
        return 2
    except TaskAIError as e:
        print(f"taskai import: {e.message} {e.fields or ''}".rstrip(), file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2))
    return 1 if report["rejected"] else 0


def backup_or_restore(command: str, path: str, url: str) -> int:
    """`taskai backup PATH` / `taskai restore PATH`: 0 done, 1 failed (said on stderr)."""
    from pathlib import Path

    from taskai.ops import backup

    def progress(step: str) -> None:
        print(f"{command}: {step}", file=sys.stderr, flush=True)

    try:
        if command == "backup":
            done = backup.backup(url, Path(path), progress=progress)
            print(f"backup: {done.path} ({done.size} bytes) sha256 {done.sha256}")
        else:
            backup.restore(url, Path(path), progress=progress)
            print(f"restore: {path} loaded")
    except backup.BackupError as e:
        print(f"taskai {command}: {e.message}", file=sys.stderr)
        return 1
    return 0


def kafka_source(args: argparse.Namespace) -> int:
    """Run one KafkaSource stand-in until interrupted."""
    from taskai.local.kafka_source import KafkaSourceBridge

    logs.configure("INFO")
    bridge = KafkaSourceBridge(
        bootstrap_servers=args.bootstrap_servers,
        topic=args.topic,
        group=args.group,
        sink=args.sink,
        dead_letter_topic=args.dead_letter_topic,
        dead_letter_sink=args.dead_letter_sink,
        delivery=Delivery(
            retry=args.retry,
            backoff_delay_s=args.backoff_delay,
            timeout_s=args.timeout,
            max_backoff_s=args.max_backoff,
        ),
        initial_offset=args.initial_offset,
    )
    try:
        bridge.run()
    except KeyboardInterrupt:
        bridge.stop()
    return 0


def redrive(args: argparse.Namespace) -> int:
    """Replay a dead-letter topic: 0 all replayed (or dry run), 1 some still fail, 2 cannot run."""
    from datetime import UTC, datetime
    from importlib.util import find_spec

    from taskai import redrive as replay

    try:
        servers = args.bootstrap_servers or get_settings().kafka_bootstrap_servers
        if not servers:
            raise replay.RedriveError("no Kafka: pass --bootstrap-servers")
        if find_spec("kafka") is None:
            raise replay.RedriveError("kafka-python is not installed: pip install 'taskai[kafka]'")
        since = replay.parse_since(args.since, datetime.now(UTC)) if args.since else None
        sink = args.sink or replay.default_sink(args.topic)
        if not (args.dry_run or get_settings().events_token):
            raise replay.RedriveError("set EVENTS_TOKEN, the shared secret the functions admit")
        from taskai import bootstrap

        with ProgressBar() as bar:
            result = replay.redrive(
                servers,
                args.topic,
                sink,
                since,
                args.dry_run,
                progress=bar,
                credential=bootstrap.event_credential(),
            )
    except (ConfigurationError, replay.RedriveError) as e:
        print(f"taskai redrive: {e.message}", file=sys.stderr)
        return 2
    for event_id, status in result.failed:
        print(f"still failing: {event_id} ({status or 'no answer'})", file=sys.stderr)
    print(replay.summary(result))
    if result.unreachable:
        print(f"taskai redrive: {sink} did not answer", file=sys.stderr)
        return 2
    return 1 if result.failed else 0


class ProgressBar:
    """A tqdm bar on stderr when the `cli` extra is installed (and stderr is a terminal)."""

    def __init__(self, desc: str = "redrive", unit: str = "event") -> None:
        self.bar: Any = None
        self.desc, self.unit = desc, unit

    def begin(self, total: int | None) -> None:
        """Open a tqdm bar of `total` units (None: counting without a total) on stderr; nothing
        when tqdm is not installed."""
        try:
            from tqdm import tqdm  # the `cli` extra: optional, imported only here
        except ImportError:
            return
        self.bar = tqdm(total=total, unit=self.unit, desc=self.desc, file=sys.stderr, disable=None)

    def advance(self, n: int = 1) -> None:
        """Move the bar on by `n` units, if there is one."""
        if self.bar is not None:
            self.bar.update(n)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":
    sys.exit(main())
