"""What becomes of a dead letter: it is kept on `<topic>.dlq` with Knative's reason; when its
failure was transient it is also given a time (`taskainotbefore`), and a later pass — on the
dead-letters function's PingSource tick — writes it back to `<topic>` with the same key, so the
KafkaSource delivers it again. At most `max_requeues` times, counted in `taskairedrives`.

Nothing waits inside a request: keeping is one write, and a pass re-queues what is due and stops.
On each DLQ partition the records are in the order they were kept and all wait the same delay,
so a pass stops at the first one not yet due: everything behind it is due later still.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from taskai.adapters.cloudevents_io import PING_TYPE, from_kafka, kafka_record
from taskai.contracts import DEAD_LETTER_TOPICS

log = logging.getLogger("taskai.deadletters")
REQUEUES = "taskairedrives"  # CloudEvent extension: times re-queued so far
NOT_BEFORE = "taskainotbefore"  # CloudEvent extension: when it may be re-queued (absent: never)
ERROR_EXTENSIONS = ("knativeerrorcode", "knativeerrordest", "knativeerrordata")
TRANSIENT_4XX = {404, 408, 409, 429}  # what the KafkaSource itself retries
REQUEUE_GROUP = "taskai-deadletters-requeue"
ORIGINAL_TOPICS = {dlq: topic for topic, dlq in DEAD_LETTER_TOPICS.items()}


class Kafka(Protocol):
    bootstrap_servers: str

    def send(
        self, topic: str, *, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        """Write one record to Kafka and wait for the ack; raises if there is none."""


@dataclass(frozen=True)
class Policy:
    delay_s: float = 300.0  # from being kept to being re-queued
    max_requeues: int = 3


def transient(code: object) -> bool:
    """Whether Knative's error code says "try later": 5xx, the retried 4xx, no answer at all."""
    try:
        status = int(str(code))
    except ValueError:
        return True  # no code: a timeout or a refused connection
    return status == 0 or status >= 500 or status in TRANSIENT_4XX


def count(value: object) -> int:
    """The `taskairedrives` count; a missing or garbled one counts as none."""
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0


def decide(extensions: dict[str, Any], now: datetime, policy: Policy) -> tuple[str, str | None]:
    """Why the event stays, and when it may be re-queued (None: never, it needs a person)."""
    code = extensions.get("knativeerrorcode")
    requeues = count(extensions.get(REQUEUES))
    if not transient(code):
        return f"refused with {code}: can never succeed", None
    if requeues >= policy.max_requeues:
        return f"failed with {code or 'no answer'} after {requeues} re-queues", None
    when = now + timedelta(seconds=policy.delay_s)
    return f"failed with {code or 'no answer'}: re-queue {requeues + 1}", when.isoformat()


def needs_a_person(event: Any, *, now: datetime, policy: Policy) -> str | None:
    """The reason, when this dead letter will not be re-queued (refused, or out of re-queues)."""
    reason, not_before = decide(dict(event.get_attributes()), now, policy)
    return None if not_before else reason


def handle(event: Any, *, now: datetime, kafka: Kafka | None, uow: Callable[[], Any]) -> str:
    """The dead-letters function's work, its outcome in words: on a PingSource tick, re-queue
    the kept events that are due; else keep the dead letter and, when no re-queue will follow,
    tell the owner of a completion why its next occurrence will not come."""
    if event["type"] == PING_TYPE:
        if kafka is None:
            return "no kafka: nothing to re-queue"
        requeued = requeue_due(kafka.bootstrap_servers, now=now)
        return "busy" if requeued is None else f"re-queued {requeued}"
    policy = Policy()
    final = needs_a_person(event, now=now, policy=policy)
    outcome = keep(event, now=now, policy=policy, send=kafka.send if kafka else None)
    if final:
        from taskai.services import recurrence

        recurrence.stall_series(
            uow=uow(), event_type=event["type"], data=event.data, reason=final, now=now
        )
    return outcome


def keep(event: Any, *, now: datetime, policy: Policy, send: Callable[..., Any] | None) -> str:
    """Log the dead letter and write it to its DLQ topic (when there is Kafka): the outcome."""
    from taskai import contracts

    contract = contracts.TYPES.get(event["type"])
    topic = DEAD_LETTER_TOPICS.get(contract.topic) if contract else None
    attributes = dict(event.get_attributes())
    reason, not_before = decide(attributes, now, policy)
    not_before = not_before if send and topic else None  # no Kafka: nothing to re-queue from
    if NOT_BEFORE in event:
        del event[NOT_BEFORE]
    if not_before:
        event[NOT_BEFORE] = not_before
    about = {
        "event_id": event["id"],
        "type": event["type"],
        "subject": event.get("subject"),
        "topic": topic,
        "reason": reason,
        REQUEUES: count(attributes.get(REQUEUES)),
        **{name: event.get(name) for name in ERROR_EXTENSIONS if event.get(name) is not None},
    }
    if not_before:
        log.warning("dead letter, re-queued later", extra={**about, NOT_BEFORE: not_before})
    else:
        log.error("dead letter", extra=about)  # needs a person: `taskai redrive` when fixed
    if not (send and topic):
        return "logged"
    from cloudevents.kafka import to_binary

    message = to_binary(event, key_mapper=lambda e: (e.get("subject") or e["id"]).encode())
    send(topic, key=message.key, value=message.value, headers=list(message.headers.items()))
    return f"kept on {topic}" + (f", re-queue after {not_before}" if not_before else "")


_passing = threading.Lock()


def requeue_due(
    bootstrap_servers: str,
    *,
    now: datetime,
    budget_s: float = 20.0,
    group: str = REQUEUE_GROUP,
    topics: dict[str, str] = ORIGINAL_TOPICS,
) -> int | None:
    """Write every kept event whose time has come back to its original topic (`topics`: DLQ
    topic -> original): how many; None when another pass is running. Commits the DLQ offsets
    it got past, within about `budget_s` (a PingSource request must end)."""
    if not _passing.acquire(blocking=False):
        return None
    try:
        return Pass(bootstrap_servers, group, topics, now, time.monotonic() + budget_s).run()
    finally:
        _passing.release()


class Pass:
    """One re-queue pass over every DLQ topic, as a consumer group with assigned partitions
    (no rebalance to wait for); each record re-queued is acknowledged before its offset moves."""

    def __init__(
        self, servers: str, group: str, topics: dict[str, str], now: datetime, deadline: float
    ) -> None:
        self.servers, self.group, self.topics = servers.split(","), group, topics
        self.now, self.deadline = now, deadline
        self.requeued = 0

    def run(self) -> int:
        """Re-queue every due record up to each DLQ partition's end offset at start; returns how
        many were re-queued (kafka errors propagate)."""
        from kafka import KafkaConsumer, KafkaProducer
        from kafka.structs import TopicPartition

        from taskai.adapters.kafka_bus import CLIENT_TUNING

        consumer = KafkaConsumer(
            bootstrap_servers=self.servers,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=self.group,
            **CLIENT_TUNING,
        )
        producer = KafkaProducer(bootstrap_servers=self.servers, acks="all", **CLIENT_TUNING)
        try:
            partitions = [
                TopicPartition(dlq, n)
                for dlq in self.topics
                for n in sorted(consumer.partitions_for_topic(dlq) or ())
            ]
            if partitions:
                consumer.assign(partitions)
                self.drain(consumer, producer, consumer.end_offsets(partitions))
        finally:
            producer.close(timeout=5)
            consumer.close()
        return self.requeued

    def drain(self, consumer: Any, producer: Any, end: dict[Any, int]) -> None:
        """Re-queue due records until each partition reaches its `end` offset or a record not yet
        due, or the deadline passes; then commit the offsets passed."""
        from kafka.structs import OffsetAndMetadata

        left = {p for p, offset in end.items() if consumer.position(p) < offset}
        done: dict[Any, int] = {}
        while left and time.monotonic() < self.deadline:
            for partition, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    if partition not in left or record.offset >= end[partition]:
                        break
                    if not self.requeue(record, producer):
                        left.discard(partition)  # not due yet, and nor is anything behind it
                        break
                    done[partition] = record.offset + 1
                if partition in left and done.get(partition, 0) >= end[partition]:
                    left.discard(partition)
                if partition not in left:
                    consumer.pause(partition)
        if done:
            consumer.commit({p: OffsetAndMetadata(o, "", -1) for p, o in done.items()})

    def requeue(self, record: Any, producer: Any) -> bool:
        """Re-queue the record if its time has come; False if it must wait (True if never)."""
        from cloudevents.exceptions import GenericException

        try:
            event = from_kafka(record.headers or [], record.value)
            not_before = datetime.fromisoformat(event[NOT_BEFORE])
        except (GenericException, KeyError, ValueError):
            return True  # kept for a person (or garbled): nothing to do, move on
        if not_before > self.now:
            return False
        requeues = count(event.get(REQUEUES, "0")) + 1
        for name in (*ERROR_EXTENSIONS, NOT_BEFORE):
            if name in event:
                del event[name]
        event[REQUEUES] = str(requeues)
        key, value, headers = kafka_record(event, record.key)
        topic = self.topics[record.topic]
        producer.send(topic, key=key, value=value, headers=headers).get(timeout=10)
        log.info(
            "dead letter re-queued",
            extra={"topic": topic, "event_id": event["id"], REQUEUES: requeues},
        )
        self.requeued += 1
        return True
