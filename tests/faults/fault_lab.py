"""The fault suite's lab: a private PostgreSQL and Kafka that experiments stop and start, and
helpers to wire TaskAI to them in the test's process."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from taskai import bootstrap
from taskai.adapters.db import make_engine

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
SERVICES = Path(os.environ.get("TASKAI_SERVICES_DIR", Path.home() / ".cache/taskai-services"))
LAB_ENV = {  # ports and folders of its own: stopping them disturbs nothing else
    "TASKAI_SERVICES_DIR": str(SERVICES / "faults"),
    # below Linux's ephemeral range (32768-60999): a client socket cannot be holding them when
    # the lab starts in the middle of a busy run
    "TASKAI_PG_PORT": "25439",
    "TASKAI_KAFKA_PORT": "29192",
    "TASKAI_KAFKA_CONTROLLER_PORT": "29193",
}


class Service:
    """One private service, driven by its script in scripts/ (start, stop, url/bootstrap)."""

    def __init__(self, script: str, address_verb: str) -> None:
        self.script, self.address_verb = script, address_verb

    def run(self, verb: str) -> str:
        done = subprocess.run(
            ["bash", str(SCRIPTS / self.script), verb],
            env={**os.environ, **LAB_ENV},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{self.script} {verb}: {done.stdout}{done.stderr}"
        return done.stdout.strip()

    def start(self) -> None:
        self.run("start")

    def stop(self) -> None:
        self.run("stop")

    @property
    def address(self) -> str:
        return self.run(self.address_verb)


@dataclass
class Lab:
    postgres: Service
    kafka: Service
    database_url: str
    bootstrap_servers: str
    engine: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.database_url, pool_size=1)

    def count(self, sql: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar() or 0)

    def occurrences_per_series(self) -> dict[str, int]:
        """Series id → how many tasks it has (1: no successor yet, 2: one, 3+: doubled)."""
        sql = "SELECT series_id, count(*) FROM tasks.tasks GROUP BY series_id"
        with self.engine.connect() as connection:
            return {str(s): int(n) for s, n in connection.execute(text(sql))}

    def unpublished(self) -> int:
        return self.count("SELECT count(*) FROM events.outbox WHERE published_at IS NULL")


@dataclass
class EventPort:
    """The event functions on a real port, as Knative serves them to their KafkaSources."""

    url: str
    stop: Callable[[], None]


def recurrence_source(system: Lab, events: EventPort, group: str) -> Any:
    """The KafkaSource stand-in of the recurrence function, with the production retry budget."""
    from taskai.local.kafka_source import KafkaSourceBridge

    return KafkaSourceBridge(
        bootstrap_servers=system.bootstrap_servers,
        topic="task-events",
        group=group,
        sink=f"{events.url}/recurrence",
        dead_letter_topic="task-events.dlq",
        credential=bootstrap.event_credential(),
        initial_offset="earliest",
    )


def park_group(bootstrap_servers: str, topic: str, group: str) -> None:
    """Commit `group`'s position at the end of `topic`: it will read only what comes next."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError
    from kafka.structs import OffsetAndMetadata

    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers)
    with contextlib.suppress(TopicAlreadyExistsError):
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    admin.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group,
                             enable_auto_commit=False)  # fmt: skip
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    ends = consumer.end_offsets(partitions)
    consumer.commit({p: OffsetAndMetadata(ends[p], "", -1) for p in partitions})
    consumer.close()


def wait_until(condition: Callable[[], bool], timeout_s: float, every_s: float = 0.5) -> float:
    """Seconds until `condition` held (asserts it did within `timeout_s`)."""
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < timeout_s, f"not within {timeout_s} s"
        time.sleep(every_s)
    return time.monotonic() - began


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
