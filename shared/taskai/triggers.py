"""What wakes each event-fed function: a Kafka topic (KafkaSource) or a schedule (PingSource)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trigger:
    function: str
    topic: str | None = None  # fed by a KafkaSource on this topic
    every_s: int | None = None  # fed by a PingSource at this period
    dead_letter_topic: str | None = None
    parallelism: int = 1  # 1: ordered per partition; more: unordered, this many in flight


TRIGGERS = (
    # unordered: the handler reads the task's state under a lock and dedupes by event id, so
    # a completion that arrives after its reopen, or twice, changes nothing
    Trigger("recurrence", topic="task-events", dead_letter_topic="task-events.dlq", parallelism=8),
    Trigger("outbox", every_s=60),
    # webhooks: each task event recorded and sent to its owner's webhooks (deduplicated by
    # webhook and event id); the tick retries what failed. Its dead letters go to the
    # dead-letters sink like every source's, which re-queues them onto task-events (both
    # consumers dedupe); task-events.dlq is recurrence's, so `taskai redrive` stays unambiguous.
    Trigger("webhooks", topic="task-events", every_s=60, parallelism=8),
    Trigger("reminders", every_s=60),
    Trigger("notifications", topic="reminders", dead_letter_topic="reminders.dlq", parallelism=8),
    # also every KafkaSource's dead-letter sink; the ping runs its re-queue pass
    Trigger("deadletters", every_s=60),
)
DEAD_LETTER_SINK = "deadletters"
