"""`taskai redrive`: replay the dead letters of a `<topic>.dlq` to the function that consumes
`<topic>`, as the KafkaSource would have delivered them (consumers are idempotent, so an event
that did arrive after all is answered as a duplicate). Nothing is removed from the DLQ: what
still fails simply stays there, and a later redrive can try again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from taskai.adapters.cloudevents_io import from_kafka, http_request
from taskai.adapters.http_delivery import Delivery, SinkClient, deliver
from taskai.errors import TaskAIError
from taskai.triggers import TRIGGERS

DEFAULT_EVENTS_URL = "http://127.0.0.1:8081/_events"  # where `taskai dev` serves event functions
# Not part of the event: why it failed (Knative's), when the dead-letters function may re-queue it
BOOKKEEPING = ("knativeerror", "taskainotbefore")
REPLAY = Delivery(retry=3, backoff_delay_s=1.0, max_backoff_s=10.0, timeout_s=10.0)
DURATION = re.compile(r"(\d+)([smhdw])")  # one part of a duration like 1d12h
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class RedriveError(TaskAIError):
    """The replay cannot run: an unknown topic, an unreachable broker or sink, a bad option."""

    code = "redrive_error"


@dataclass
class RedriveResult:
    topic: str
    sink_url: str
    dry_run: bool = False
    total: int = 0  # dead letters in the range read (from --since, or the beginning)
    replayed: int = 0  # accepted by the sink (2xx)
    duplicates: int = 0  # the same event id again further down the DLQ: sent once
    failed: list[tuple[str, int]] = field(default_factory=list)  # (event id, last status)

    @property
    def unreachable(self) -> bool:
        """True when the sink never answered at all (wrong URL, not running)."""
        return bool(self.failed) and not self.replayed and all(s == 0 for _, s in self.failed)


def summary(result: RedriveResult) -> str:
    """One line for the operator: how many, where to, what happened."""
    head = f"{result.topic} -> {result.sink_url}: {result.total} dead letters"
    if result.duplicates:
        head += f" ({result.duplicates} repeated ids sent once)"
    if result.dry_run:
        return f"{head}; dry run, nothing sent"
    kept = f", {len(result.failed)} still failing (kept on the topic)" if result.failed else ""
    return f"{head}; {result.replayed} replayed{kept}"


class Progress(Protocol):
    def begin(self, total: int) -> None:
        """Start showing progress over `total` records."""

    def advance(self) -> None:
        """One more record was handled."""


def default_sink(dead_letter_topic: str, events_url: str = DEFAULT_EVENTS_URL) -> str:
    """The URL of the function that consumes the topic whose dead letters these are."""
    consumers = [t.function for t in TRIGGERS if t.dead_letter_topic == dead_letter_topic]
    if len(consumers) != 1:
        why = "is not a dead-letter topic" if not consumers else "has several consumers"
        raise RedriveError(f"{dead_letter_topic} {why}: name the function's URL with --sink")
    return f"{events_url.rstrip('/')}/{consumers[0]}"


def parse_since(text: str, now: datetime) -> datetime:
    """An ISO date-time (UTC when it names no zone) or a duration back from now: 90s, 2h, 1d12h."""
    if re.fullmatch(r"(\d+[smhdw])+", text.strip()):
        parts = {UNITS[unit]: float(n) for n, unit in DURATION.findall(text)}
        return now - timedelta(**parts)
    try:
        when = datetime.fromisoformat(text)
    except ValueError as e:
        raise RedriveError(f"--since {text!r} is neither an ISO date-time nor like 2h") from e
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def replay_request(record: Any) -> tuple[dict[str, str], bytes]:
    """The record's CloudEvent as a binary-mode HTTP request (headers, body), without the
    dead-letter bookkeeping; RedriveError when the record is not a binary-mode CloudEvent."""
    from cloudevents.exceptions import GenericException

    try:
        event = from_kafka(record.headers or [], record.value)
    except GenericException as e:
        where = f"{record.topic} {record.partition}:{record.offset}"
        raise RedriveError(f"{where} is not a binary-mode CloudEvent: {e}") from e
    for name in [n for n in event.get_attributes() if n.startswith(BOOKKEEPING)]:
        del event[name]
    return http_request(event)


def redrive(
    bootstrap_servers: str,
    topic: str,
    sink_url: str,
    since: datetime | None,
    dry_run: bool,
    *,
    progress: Progress | None = None,
    delivery: Delivery = REPLAY,
    credential: Mapping[str, str] | None = None,
) -> RedriveResult:
    """POST every dead letter of `topic` (those dead-lettered at or after `since`) to `sink_url`,
    each event id once, in partition order, with `credential` (the Authorization header the
    event functions admit); with `dry_run`, only count them."""
    result = RedriveResult(topic=topic, sink_url=sink_url, dry_run=dry_run)
    client = SinkClient(sink_url, delivery.timeout_s)
    seen: set[str] = set()
    try:
        with DeadLetters(bootstrap_servers, topic, since) as letters:
            result.total = letters.total
            if progress:
                progress.begin(letters.total)
            for record in letters:
                headers, body = replay_request(record)
                event_id = headers["ce-id"]
                if event_id in seen:
                    result.duplicates += 1
                elif not dry_run:
                    sent = {**headers, **(credential or {})}
                    status = deliver(client, sent, body, delivery) or 0
                    if 200 <= status < 300:
                        result.replayed += 1
                    else:
                        result.failed.append((event_id, status))
                seen.add(event_id)
                if progress:
                    progress.advance()
    finally:
        client.close()
    return result


class DeadLetters:
    """The records of a topic from `since` (or the beginning) up to its end when opened;
    read without a consumer group, so nothing is committed and a rerun sees them all again."""

    def __init__(self, bootstrap_servers: str, topic: str, since: datetime | None) -> None:
        self.servers, self.topic, self.since = bootstrap_servers.split(","), topic, since
        self.consumer: Any = None
        self.start: dict[Any, int] = {}
        self.end: dict[Any, int] = {}

    def __enter__(self) -> DeadLetters:
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError
        from kafka.structs import TopicPartition

        from taskai.adapters.kafka_bus import CLIENT_TUNING

        try:
            self.consumer = KafkaConsumer(
                bootstrap_servers=self.servers,
                group_id=None,
                enable_auto_commit=False,
                client_id="taskai-redrive",
                **CLIENT_TUNING,
            )
            numbers = self.consumer.partitions_for_topic(self.topic)
            if not numbers:
                raise RedriveError(f"no topic {self.topic} on {','.join(self.servers)}")
            partitions = [TopicPartition(self.topic, n) for n in sorted(numbers)]
            self.consumer.assign(partitions)
            self.start = self.consumer.beginning_offsets(partitions)
            self.end = self.consumer.end_offsets(partitions)
            if self.since is not None:
                self.start_at(self.since)
            for partition, offset in self.start.items():
                self.consumer.seek(partition, offset)
        except KafkaError as e:
            self.__exit__()
            raise RedriveError(f"Kafka at {','.join(self.servers)}: {e}") from e
        return self

    def start_at(self, since: datetime) -> None:
        """Skip what was dead-lettered before `since` (the record timestamp)."""
        millis = int(since.timestamp() * 1000)
        found = self.consumer.offsets_for_times({p: millis for p in self.start})
        for partition in self.start:
            hit = found.get(partition)
            self.start[partition] = hit.offset if hit is not None else self.end[partition]

    @property
    def total(self) -> int:
        """Records in the window: the sum over partitions of end minus start offsets."""
        return sum(max(0, self.end[p] - self.start[p]) for p in self.start)

    def __iter__(self) -> Iterator[Any]:
        from kafka.errors import KafkaError

        left = {p for p in self.start if self.start[p] < self.end[p]}
        idle_polls = 0
        while left:
            try:
                batches = self.consumer.poll(timeout_ms=1000)
            except KafkaError as e:
                raise RedriveError(f"reading {self.topic}: {e}") from e
            idle_polls = 0 if batches else idle_polls + 1
            if idle_polls > 30:
                raise RedriveError(f"reading {self.topic}: nothing came for 30 s")
            for partition, records in batches.items():
                for record in records:
                    if record.offset < self.end[partition]:
                        yield record
                if self.consumer.position(partition) >= self.end[partition]:
                    left.discard(partition)
                    self.consumer.pause(partition)

    def __exit__(self, *exc: object) -> None:
        if self.consumer is not None:
            self.consumer.close()
            self.consumer = None
