"""Publishing outbox records to Kafka with an idempotent, acks=all producer (kafka-python)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from taskai.adapters.cloudevents_io import to_kafka
from taskai.adapters.outbox import OutboxRecord

log = logging.getLogger("taskai.kafka")
# kafka-python's defaults back off reconnects up to 30 s and keep metadata for 5 min, so after a
# broker restart a consumer sat idle for ~30 s more; these resume within ~1-2 s of the broker
# answering again, and give up on a request to a silent (failed-over) broker after 10 s.
CLIENT_TUNING: dict[str, int] = {
    "reconnect_backoff_ms": 100,
    "reconnect_backoff_max_ms": 1000,
    "retry_backoff_ms": 200,
    "request_timeout_ms": 10_000,
    "metadata_max_age_ms": 10_000,
}


class KafkaPublisher:
    """Sends records in order; answers how many of them, from the first, are safely stored."""

    def __init__(self, bootstrap_servers: str, *, timeout_s: float = 10.0) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.timeout_s = timeout_s
        self._producer: Any = None

    def producer(self) -> Any:
        """The idempotent, acks=all KafkaProducer of this publisher, made on first use."""
        if self._producer is None:
            from kafka import KafkaProducer  # imported on first use: cold start matters

            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap_servers.split(","),
                client_id="taskai-outbox-relay",
                acks="all",
                enable_idempotence=True,
                linger_ms=2,
                max_block_ms=int(self.timeout_s * 1000),
                delivery_timeout_ms=int(self.timeout_s * 1000) + 2000,
                **{**CLIENT_TUNING, "request_timeout_ms": int(self.timeout_s * 1000)},
            )
        return self._producer

    def publish(self, records: Sequence[OutboxRecord]) -> int:
        """Send `records` in order and flush; returns how many, from the first, the brokers acked (0
        when Kafka is down)."""
        from kafka.errors import KafkaError

        try:
            producer = self.producer()
            futures = []
            for record in records:
                key, value, headers = to_kafka(record)
                futures.append(producer.send(record.topic, key=key, value=value, headers=headers))
            producer.flush(timeout=self.timeout_s)
        except KafkaError as e:
            log.warning("kafka unavailable; events wait in the outbox", extra={"error": repr(e)})
            self.reset()
            return 0
        delivered = 0
        for future in futures:
            if not (future.is_done and future.succeeded()):
                break
            delivered += 1
        if delivered < len(records):
            self.reset()  # drop what is still queued: it is resent, in order, from the outbox
        return delivered

    def send(
        self, topic: str, *, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        """Write one record and wait for the brokers' ack; raises kafka's KafkaError if none."""
        self.producer().send(topic, key=key, value=value, headers=headers).get(
            timeout=self.timeout_s
        )

    def reset(self) -> None:
        """Drop the producer and what it still holds; the next publish makes a new one."""
        from kafka.errors import KafkaError

        if self._producer is not None:
            try:
                self._producer.close(timeout=0)
            except KafkaError:
                pass  # kafka-python 3 raises when records were still queued: they are dropped
            finally:
                self._producer = None

    def close(self) -> None:
        """Flush and close the producer (waiting up to `timeout_s`), if one was made."""
        if self._producer is not None:
            self._producer.close(timeout=self.timeout_s)
            self._producer = None
