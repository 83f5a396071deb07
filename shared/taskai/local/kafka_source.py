"""A local stand-in for Knative's KafkaSource: Kafka records POSTed to a sink as CloudEvents.

Semantics follow KafkaSource with ordered delivery: per partition, one record at a time; 2xx is
success; 5xx, 404, 408, 409, 429, timeouts and refused connections are retried with exponential
backoff (a 429 or 503's `Retry-After` is honoured up to the cap, as Knative's `retryAfterMax`);
any other 4xx, or a record still failing after the retries, goes to the dead-letter sink (the
`dead-letters` function, as Knative's `deadLetterSink`) or, without one or when it fails too,
straight to the dead-letter topic; the offset is committed only after success or dead-lettering.

With `parallelism` > 1 it delivers as KafkaSource's unordered mode
(`kafka.eventing.knative.dev/delivery.order: unordered`): up to that many records at once, in
any order, and a partition's offset is committed only up to its lowest record still in flight.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from taskai.adapters.cloudevents_io import from_kafka, http_of_kafka, http_request, kafka_record
from taskai.adapters.http_delivery import Delivery, SinkClient, deliver
from taskai.adapters.kafka_bus import CLIENT_TUNING

log = logging.getLogger("taskai.kafka_source")
KAFKA_EVENT = "dev.knative.kafka.event"  # what KafkaSource makes of a record that is no CloudEvent
CONSUMER_TUNING: dict[str, int] = {
    **CLIENT_TUNING,
    "session_timeout_ms": 10_000,  # a vanished member's partitions move on after 10 s
    "heartbeat_interval_ms": 3_000,  # heartbeats come from a background thread, not poll()
}
RETRY_FIRST_S, RETRY_MAX_S = 1.0, 10.0  # between attempts to (re)join: doubled, capped
BOOTSTRAP_ATTEMPT_MS = 2_000  # one attempt to reach Kafka (kafka-python reconnects within it)
CLOSE_TIMEOUT_MS = 3_000  # leaving the group on stop(): a restart must not wait a session


class Stranded(Exception):
    """The group left this consumer without partitions although its topic has some."""


class KafkaSourceBridge:
    """Consumes one topic as one consumer group and delivers each record to the sink."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        group: str,
        sink: str,
        dead_letter_topic: str | None = None,
        dead_letter_sink: str | None = None,
        delivery: Delivery | None = None,
        initial_offset: str = "latest",
        parallelism: int = 1,
        credential: dict[str, str] | None = None,
    ) -> None:
        self.credential = credential or {}  # e.g. the Authorization the sink admits
        self.bootstrap_servers, self.topic, self.group = bootstrap_servers, topic, group
        self.sink, self.dead_letter_topic = sink, dead_letter_topic
        self.dead_letter_sink = dead_letter_sink  # URL POSTed to first, as Knative's
        self.delivery = delivery or Delivery()
        self.initial_offset = initial_offset  # where a new group starts, as KafkaSource's
        self.stopped = threading.Event()
        self.ready = threading.Event()  # set while joined with assigned partitions
        self.joins = 0  # how many consumers became ready (a rejoin makes a new one)
        self.consumer: Any = None  # the current consumer, while there is one
        self.thread: threading.Thread | None = None
        self.delivered = 0
        self.dead_lettered = 0
        self.client = SinkClient(sink, self.delivery.timeout_s)
        self.parallelism = parallelism  # 1: ordered; more: unordered, this many in flight
        self.counting = threading.Lock()

    def deliver(
        self, headers: dict[str, str], body: bytes, client: SinkClient | None = None
    ) -> int | None:
        """The last status (see `deliver`); None when stop() came first."""
        return deliver(client or self.client, headers, body, self.delivery, self.stopped)

    def run(self) -> None:
        """Consume until stop() is called: (re)join whenever Kafka cannot be reached, fails, or
        strands the consumer, waiting 1, 2, 4, … up to 10 s between attempts (each logged once
        with its reason); ready only while joined."""
        delay = RETRY_FIRST_S
        try:
            while not self.stopped.is_set():
                joins = self.joins
                try:
                    self.consume()
                except Exception as e:  # logged, then rejoined: a source never ends silently
                    delay = RETRY_FIRST_S if self.joins > joins else delay
                    self.retrying(e, delay)
                    self.stopped.wait(delay)
                    delay = min(2 * delay, RETRY_MAX_S)
        finally:
            self.client.close()

    def retrying(self, error: Exception, delay_s: float) -> None:
        """Log why the source is not consuming and when it tries again (a traceback only for
        errors that are not Kafka's)."""
        from kafka.errors import KafkaError

        log.warning(
            "source not consuming; retrying",
            extra={
                "topic": self.topic,
                "group": self.group,
                "retry_in_s": delay_s,
                "error": str(error) or type(error).__name__,
            },
            exc_info=not isinstance(error, (KafkaError, Stranded)),
        )

    def consume(self) -> None:
        """Join the group and deliver until stop(), then leave it (within CLOSE_TIMEOUT_MS);
        raises KafkaError while Kafka cannot be reached and Stranded (see Watchdog)."""
        from kafka import KafkaConsumer, KafkaProducer

        # The producer bootstraps first: a failed attempt raises and leaves nothing running (a
        # consumer's leaves its IO thread behind); the consumer then reuses the broker version.
        dead_letters = KafkaProducer(
            bootstrap_servers=self.bootstrap_servers.split(","),
            acks="all",
            bootstrap_timeout_ms=BOOTSTRAP_ATTEMPT_MS,
            **CLIENT_TUNING,
        )
        try:
            consumer = KafkaConsumer(
                bootstrap_servers=self.bootstrap_servers.split(","),
                api_version=dead_letters.config["api_version"],
                group_id=self.group,
                enable_auto_commit=False,
                auto_offset_reset=self.initial_offset,
                max_poll_records=500,
                # one record may retry for the whole budget: stay in the group meanwhile. Not
                # more: this is also how long a rebalance waits for a member that died without
                # leaving. A batch that takes longer loses its commit and is delivered again.
                max_poll_interval_ms=int(1000 * max(300.0, self.delivery.worst_case_s + 30)),
                client_id=f"taskai-source-{self.group}",
                **CONSUMER_TUNING,
            )
            try:
                consumer.subscribe([self.topic])
                self.consumer = consumer
                await_partitions(consumer, dead_letters, self.topic, self.stopped)
                self.poll_until_stopped(consumer, dead_letters)
            finally:
                self.ready.clear()
                self.consumer = None
                # LeaveGroup: a restart gets the partitions at once, not after a session timeout
                consumer.close(timeout_ms=CLOSE_TIMEOUT_MS)
        finally:
            dead_letters.close(timeout=CLOSE_TIMEOUT_MS / 1000)

    def poll_until_stopped(self, consumer: Any, dead_letters: Any) -> None:
        """Deliver what the consumer polls until stop(); raises Stranded (see Watchdog)."""
        unordered = Unordered(self, dead_letters) if self.parallelism > 1 else None
        ordered = Ordered(self)
        watchdog = Watchdog(consumer, self.topic)
        try:
            while not self.stopped.is_set():
                batches = consumer.poll(timeout_ms=200)
                if not self.ready.is_set() and consumer.assignment():
                    self.joined(consumer, batches)
                watchdog.check()
                if unordered is not None:
                    unordered.take(batches)
                    unordered.commit(consumer)
                    continue
                commit(consumer, ordered.deliver(batches, dead_letters))
        finally:
            ordered.close()
            if unordered is not None:
                unordered.close(consumer)

    def joined(self, consumer: Any, batches: dict[Any, list[Any]]) -> None:
        """Mark the source ready. A partition the group never committed starts where this first
        poll found it ("latest" for a new group), committed at once: what is published while the
        source is down is then delivered when it is back, not skipped by a later "latest"."""
        fresh = [p for p in consumer.assignment() if consumer.committed(p) is None]
        # the poll's own records moved the position past them: start at the first of them
        start = {p: batches[p][0].offset if batches.get(p) else consumer.position(p) for p in fresh}
        commit(consumer, start)
        self.joins += 1
        log.info("source ready", extra={"topic": self.topic, "group": self.group})
        self.ready.set()

    def handle(self, record: Any, dead_letters: Any, client: SinkClient | None = None) -> bool:
        """Deliver one record, or dead-letter it; False when stopped before either happened."""
        # a task event goes out without an SDK event object (a fifth of the stand-in's CPU)
        request = http_of_kafka(record.headers or [], record.value)
        headers, body = request or http_request(self.event_of(record))
        status = self.deliver({**headers, **self.credential}, body, client)
        if status is None:
            return False
        with self.counting:
            if 200 <= status < 300:
                self.delivered += 1
                return True
            self.dead_lettered += 1
        event = self.event_of(record)
        log.error(
            "dead letter",
            extra={
                "topic": self.topic,
                "offset": record.offset,
                "sink": self.sink,
                "status": status,
                "event_id": event["id"],
            },
        )
        event["knativeerrorcode"], event["knativeerrordest"] = str(status), self.sink
        if self.dead_letter_sink and self.to_dead_letter_sink(event):
            return True
        if self.dead_letter_topic:
            key, value, headers_out = kafka_record(event, record.key)
            dead_letters.send(
                self.dead_letter_topic, key=key, value=value, headers=headers_out
            ).get(timeout=30)
        return True

    def event_of(self, record: Any) -> Any:
        """The record's binary-mode CloudEvent; a record that is none is wrapped, as KafkaSource
        wraps it, in a `dev.knative.kafka.event` carrying its bytes."""
        from cloudevents.exceptions import GenericException
        from cloudevents.http import CloudEvent

        try:
            return from_kafka(record.headers or [], record.value)
        except GenericException:
            attributes = {
                "type": KAFKA_EVENT,
                "source": f"/apis/v1/namespaces/default/kafkasources/{self.group}#{self.topic}",
                "id": f"partition:{record.partition}/offset:{record.offset}",
            }
            return CloudEvent(attributes, record.value or b"")

    def to_dead_letter_sink(self, event: Any) -> bool:
        """POST a dead letter with Knative's error extensions; False if the sink did not take it."""
        assert self.dead_letter_sink
        client = SinkClient(self.dead_letter_sink, self.delivery.timeout_s)
        try:
            headers, body = http_request(event)
            status = client.post({**headers, **self.credential}, body)
        finally:
            client.close()
        if not 200 <= status < 300:
            log.warning("dead-letter sink failed", extra={"status": status})
        return 200 <= status < 300

    def start(self) -> threading.Thread:
        """Run the bridge in a daemon thread named "kafka-source-<group>"; returns the started
        thread."""
        self.thread = threading.Thread(
            target=self.run, name=f"kafka-source-{self.group}", daemon=True
        )
        self.thread.start()
        return self.thread

    def stop(self) -> None:
        """Ask run() to stop; records not yet delivered stay uncommitted, delivered again on the
        next start."""
        self.stopped.set()

    def join(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for a started source to finish its deliveries, commit and leave
        its group; False if it is still running."""
        if self.thread is not None:
            self.thread.join(timeout_s)
        return self.thread is None or not self.thread.is_alive()


def await_partitions(consumer: Any, producer: Any, topic: str, stopped: threading.Event) -> None:
    """Block until the subscribed consumer knows `topic`'s partitions, or `stopped` is set;
    never raises. The producer's topic lookup makes the topic where the broker creates topics
    on first use (the consumer's own all-topics lookup would not), and may block up to its
    `max_block_ms` (60 s) while Kafka is unreachable.

    The group's first assignment then covers the partitions. Joining earlier hands out an empty
    assignment, and the rejoin that the arriving metadata sets off can strand a kafka-python
    3.0.12 consumer for good (no partitions, heartbeat off) when a poll() times out inside it:
    the source never became ready.
    """
    from kafka.errors import KafkaError

    while not stopped.is_set():
        try:
            if producer.partitions_for(topic) and consumer.partitions_for_topic(topic):
                return
        except KafkaError as e:  # no broker yet: wait for it, as poll() would
            log.debug("topic metadata not yet known", extra={"topic": topic, "error": str(e)})
        stopped.wait(0.1)


def commit(consumer: Any, offsets: dict[Any, int]) -> bool:
    """Commit these offsets; False (and a warning) when the group moved on meanwhile: the
    records are then delivered again by whoever holds their partitions (consumers are
    idempotent), instead of the failure ending the source."""
    from kafka.errors import CommitFailedError
    from kafka.structs import OffsetAndMetadata

    if not offsets:
        return False
    try:
        consumer.commit({p: OffsetAndMetadata(o, "", -1) for p, o in offsets.items()})
    except CommitFailedError as e:
        log.warning("commit failed", extra={"error": str(e)})
        return False
    return True


class Watchdog:
    """Notices a consumer the group has left without partitions, which kafka-python 3.0.12 can
    do in a rejoin (partitions added, a coordinator move, a rejoin lost while poll() times
    out): no assignment, heartbeat off, for good. The source then rejoins with a new consumer.
    """

    def __init__(self, consumer: Any, topic: str) -> None:
        self.consumer, self.topic = consumer, topic
        self.after_s = 2 * CONSUMER_TUNING["session_timeout_ms"] / 1000
        self.unassigned_since = time.monotonic()

    def check(self) -> None:
        """Raise Stranded when the consumer has had no partitions for two session timeouts while
        its topic has some and no heartbeat was answered within a session timeout (a member
        idle in a group with more members than partitions still heartbeats: left alone)."""
        now = time.monotonic()
        if self.consumer.assignment():
            self.unassigned_since = now
            return
        if now - self.unassigned_since < self.after_s:
            return
        partitions = self.consumer.partitions_for_topic(self.topic)
        # kafka-python keeps no public record of heartbeats: read its coordinator's
        heartbeat = getattr(getattr(self.consumer, "_coordinator", None), "heartbeat", None)
        answered = getattr(heartbeat, "last_receive", float("-inf"))
        if partitions and now - answered > self.after_s / 2:
            raise Stranded(
                f"no partitions for {now - self.unassigned_since:.0f} s while {self.topic} has"
                f" {len(partitions)}; rejoining with a new consumer"
            )


class Ordered:
    """Ordered delivery: each partition's records one at a time and in order, the partitions of
    a poll side by side (as KafkaSource's ordered mode), each over its own connection."""

    def __init__(self, bridge: KafkaSourceBridge) -> None:
        self.bridge = bridge
        self.pool = ThreadPoolExecutor(8, thread_name_prefix=f"kafka-source-{bridge.group}")
        self.clients: dict[Any, SinkClient] = {}

    def deliver(self, batches: dict[Any, list[Any]], dead_letters: Any) -> dict[Any, int]:
        """Deliver a poll's records; the offset to commit for each partition that advanced."""
        for partition in batches:
            if partition not in self.clients:
                self.clients[partition] = SinkClient(
                    self.bridge.sink, self.bridge.delivery.timeout_s
                )
        futures = {
            partition: self.pool.submit(
                self.in_order, records, dead_letters, self.clients[partition]
            )
            for partition, records in batches.items()
        }
        done = {partition: future.result() for partition, future in futures.items()}
        return {partition: offset for partition, offset in done.items() if offset is not None}

    def in_order(self, records: list[Any], dead_letters: Any, client: SinkClient) -> int | None:
        """Deliver one partition's records in order; the offset after the last one done."""
        after = None
        for record in records:
            if self.bridge.stopped.is_set() or not self.bridge.handle(record, dead_letters, client):
                break  # the rest stays uncommitted: delivered again on the next start
            after = record.offset + 1
        return after

    def close(self) -> None:
        """Wait for the partition threads to finish, then close their sink connections."""
        self.pool.shutdown(wait=True)
        for client in self.clients.values():
            client.close()


class Unordered:
    """Unordered delivery: records go out on a pool of `parallelism` threads, each with its own
    connection; offsets are committed (from the consumer's thread) up to the lowest record of
    each partition still in flight, so a restart redelivers only what may not have arrived."""

    def __init__(self, bridge: KafkaSourceBridge, dead_letters: Any) -> None:
        self.bridge, self.dead_letters = bridge, dead_letters
        name = f"kafka-source-{bridge.group}"
        self.pool = ThreadPoolExecutor(bridge.parallelism, thread_name_prefix=name)
        self.lock = threading.Lock()
        # At most 2 x parallelism records taken; the consumer thread, once full, is woken when
        # half of them are done: one wake-up per `parallelism` records, not one per record (a
        # semaphore's handoff per record was a third of the stand-in's CPU).
        self.room = threading.Condition(self.lock)
        self.outstanding = 0
        self.in_flight: dict[Any, set[int]] = {}  # partition -> offsets being delivered
        self.taken: dict[Any, int] = {}  # partition -> the offset after the last one taken
        self.committed: dict[Any, int] = {}
        self.clients: list[SinkClient] = []
        self.local = threading.local()

    def take(self, batches: dict[Any, list[Any]]) -> None:
        """Start delivering every record of a poll; waits while too many are in flight."""
        most = 2 * self.bridge.parallelism
        for partition, records in batches.items():
            for record in records:
                with self.room:
                    while self.outstanding >= most:
                        self.room.wait()
                    if self.bridge.stopped.is_set():
                        return  # not taken, not committed: delivered again on the next start
                    self.outstanding += 1
                    self.in_flight.setdefault(partition, set()).add(record.offset)
                    self.taken[partition] = record.offset + 1
                self.pool.submit(self.deliver, partition, record)

    def deliver(self, partition: Any, record: Any) -> None:
        """Deliver one record on a pool thread; a failure leaves it in flight (never committed)
        and is logged."""
        done = False
        try:
            # False when stopped: left in flight, never committed, delivered after a restart
            done = self.bridge.handle(record, self.dead_letters, self.client())
        except Exception:  # left in flight: never committed, so delivered again after a restart
            log.exception("delivery failed", extra={"offset": record.offset})
        finally:
            with self.room:
                if done:
                    self.in_flight[partition].discard(record.offset)
                self.outstanding -= 1
                if self.outstanding == self.bridge.parallelism or self.bridge.stopped.is_set():
                    self.room.notify()

    def client(self) -> SinkClient:
        """This thread's kept-alive SinkClient to the sink, made on first use."""
        if not hasattr(self.local, "client"):
            self.local.client = SinkClient(self.bridge.sink, self.bridge.delivery.timeout_s)
            with self.lock:
                self.clients.append(self.local.client)
        client: SinkClient = self.local.client
        return client

    def commit(self, consumer: Any) -> None:
        """Commit each assigned partition up to its lowest record still in flight."""
        with self.lock:
            safe = {p: min(o) if o else self.taken[p] for p, o in self.in_flight.items()}
        assigned = consumer.assignment()
        moved = {p: o for p, o in safe.items() if p in assigned and self.committed.get(p) != o}
        if commit(consumer, moved):
            self.committed.update(moved)

    def close(self, consumer: Any) -> None:
        """Let the deliveries under way finish, then commit what they delivered."""
        self.pool.shutdown(wait=True)
        self.commit(consumer)
        for client in self.clients:
            client.close()
