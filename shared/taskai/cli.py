"""The `taskai` command: run everything locally, migrate a database, or bridge Kafka to HTTP."""

from __future__ import annotations

import argparse
import sys

from taskai import logs
from taskai.adapters.kafka_source import Delivery
from taskai.config import ConfigurationError, get_settings

DELIVERY = Delivery()  # the defaults of `taskai kafka-source`


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="taskai", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="serve every function on one port (embedded by default)")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8080)
    dev.add_argument("--tick", type=float, default=60.0, help="seconds between schedule pings")
    dev.add_argument("--kafka-group-prefix", default="", help="prefix of the consumer groups")
    commands.add_parser("migrate", help="bring the configured database to the newest schema")
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
    args = parser.parse_args(argv)
    if args.command == "kafka-source":
        return kafka_source(args)
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


def kafka_source(args: argparse.Namespace) -> int:
    """Run one KafkaSource stand-in until interrupted."""
    from taskai.adapters.kafka_source import KafkaSourceBridge

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


if __name__ == "__main__":
    sys.exit(main())
