"""The `taskai` command: run everything locally, or migrate a database."""

from __future__ import annotations

import argparse
import sys

from taskai import logs
from taskai.config import ConfigurationError, get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="taskai", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="serve every function on one port (embedded by default)")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8080)
    dev.add_argument("--tick", type=float, default=60.0, help="seconds between schedule pings")
    dev.add_argument("--kafka-group-prefix", default="", help="prefix of the consumer groups")
    commands.add_parser("migrate", help="bring the configured database to the newest schema")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ConfigurationError as e:
        print(f"taskai: {e.message}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    from taskai.adapters.migrate import upgrade

    if args.command == "migrate":
        upgrade(settings.sqlalchemy_url)
        return 0
    if settings.embedded:
        upgrade(settings.sqlalchemy_url)  # the embedded file is created and kept current on start
    from taskai.devserver import serve

    serve(args.host, args.port, tick_s=args.tick, group_prefix=args.kafka_group_prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
