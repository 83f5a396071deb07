"""`taskai cluster status|redrive`: a deployed TaskAI seen through the Kubernetes API.

Exit codes: 0 everything ready (or the replay done), 1 something not ready, 2 a usage or
configuration error or an API that cannot be reached."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

READY, NOT_READY, UNUSABLE = 0, 1, 2


def add_to(commands: Any) -> None:
    """Add `cluster` with its subcommands to the `taskai` subparsers `commands`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--kubeconfig", help="kubeconfig file (default $KUBECONFIG, ~/.kube/config)"
    )
    common.add_argument("--context", help="kubeconfig context (default: its current one)")
    common.add_argument("--namespace", default="taskai", help="namespace of the functions")
    common.add_argument("--output", choices=("text", "json"), default="text")
    common.add_argument("--timeout", type=float, default=10.0, help="seconds per API request")
    cluster = commands.add_parser(
        "cluster", help="status of a deployed TaskAI, DLQ replay (needs the ops extra)"
    )
    verbs = cluster.add_subparsers(dest="cluster_command", required=True)
    verbs.add_parser(
        "status", parents=[common], help="Services, sources and topics; exit 1 if any not ready"
    )
    redrive = verbs.add_parser(
        "redrive", parents=[common], help="replay a dead-letter topic into its function"
    )
    redrive.add_argument("--topic", required=True, help="the dead-letter topic, e.g. reminders.dlq")
    redrive.add_argument("--since", type=since_time, help="only events from then (ISO 8601)")
    redrive.add_argument("--dry-run", action="store_true", help="show the plan, post nothing")
    redrive.add_argument("--source", help="the KafkaSource, when several read the topic")
    redrive.add_argument("--listener", default="plain", help="the Kafka listener to use")
    redrive.add_argument("--bootstrap-servers", help="override, e.g. a port-forwarded address")
    redrive.add_argument("--sink", help="override of the function URL, e.g. a port-forward")


def since_time(text: str) -> datetime:
    """An ISO 8601 time; without an offset it is UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(args: argparse.Namespace) -> int:
    """Run `taskai cluster <verb>`; returns the exit code."""
    from taskai.ops.kube import Cluster, ClusterError

    try:
        cluster = Cluster.connect(args.kubeconfig, args.context, args.timeout)
        if args.cluster_command == "status":
            return status(cluster, args)
        return redrive(cluster, args)
    except ClusterError as e:
        return fail(args, str(e), UNUSABLE)


def fail(args: argparse.Namespace, message: str, code: int) -> int:
    """Report `message` on stderr (and as a JSON object on stdout with --output json); returns
    `code`."""
    if args.output == "json":
        print(json.dumps({"error": message, "exit_code": code}))
    print(f"taskai cluster: {message}", file=sys.stderr)
    return code


def status(cluster: Any, args: argparse.Namespace) -> int:
    """Print the report of args.namespace; 0 when everything in it is ready, else 1."""
    from taskai.ops import status as st
    from taskai.ops.kube import SERVING, SOURCES, STRIMZI, NotServed

    ns, report = args.namespace, st.ClusterReport(args.namespace)

    def listed(api: tuple[str, tuple[str, ...]], plural: str) -> list[dict[str, Any]]:
        try:
            return cluster.list(api, plural, ns)
        except NotServed as e:
            report.not_served.append(str(e))
            return []

    revisions = {r["metadata"]["name"]: r for r in listed(SERVING, "revisions")}
    report.services = [st.service_report(s, revisions) for s in listed(SERVING, "services")]
    report.sources = [
        st.source_report(s)
        for plural in ("kafkasources", "pingsources")
        for s in sorted(listed(SOURCES, plural), key=lambda s: s["metadata"]["name"])
    ]
    report.topics = [st.topic_report(t) for t in listed(STRIMZI, "kafkatopics")]
    if args.output == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(st.render_text(report), end="")
    return READY if report.ready else NOT_READY


def show_plan(plan: Any, args: argparse.Namespace) -> None:
    """Print what a redrive replays, from where to where (JSON with --output json)."""
    from dataclasses import asdict

    since = args.since.isoformat() if args.since else "the beginning"
    if args.output == "json":
        print(json.dumps(asdict(plan) | {"since": args.since and since, "dry_run": args.dry_run}))
        return
    verb = "would replay" if args.dry_run else "replaying"
    print(
        f"{verb} {plan.topic} (from {since}) from Kafka {plan.kafka_cluster} at "
        f"{plan.bootstrap_servers} to {plan.sink_url} (KafkaSource {plan.source}, "
        f"topic {plan.source_topic})"
    )


def redrive(cluster: Any, args: argparse.Namespace) -> int:
    """Resolve the DLQ's Kafka and function, then replay it with taskai.redrive (if built in)."""
    from taskai.ops.dlq import Unresolvable, plan_redrive

    try:
        plan = plan_redrive(
            cluster,
            args.namespace,
            args.topic,
            source=args.source,
            listener=args.listener,
            bootstrap_servers=args.bootstrap_servers,
            sink_url=args.sink,
        )
    except Unresolvable as e:
        return fail(args, str(e), e.exit_code)
    show_plan(plan, args)
    if args.dry_run:
        return READY  # the plan is the answer: nothing is read or posted
    from taskai import bootstrap
    from taskai.config import get_settings
    from taskai.redrive import redrive as replay

    if not get_settings().events_token:
        return fail(args, "set EVENTS_TOKEN, the shared secret the functions admit", UNUSABLE)
    result = replay(
        bootstrap_servers=plan.bootstrap_servers,
        topic=plan.topic,
        sink_url=plan.sink_url,
        since=args.since,
        dry_run=False,
        credential=bootstrap.event_credential(),
    )
    if result.unreachable:
        return fail(args, f"{plan.sink_url} did not answer", UNUSABLE)
    return NOT_READY if result.failed else READY
