"""Where a dead-letter topic's events go back to: the Kafka bootstrap address (the Strimzi Kafka
resource's listener status) and the URL of the function its KafkaSource feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taskai.ops.kube import SERVING, SOURCES, STRIMZI, Cluster

DLQ_SUFFIX = ".dlq"  # the dead-letters function writes <topic>.dlq


class Unresolvable(Exception):
    """The replay cannot be planned; `exit_code` 2 for a wrong argument, 1 for a cluster that is
    not ready (no sink address, no listener status)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class RedrivePlan:
    """Replay `topic` from `bootstrap_servers` to `sink_url`, which KafkaSource `source` feeds."""

    topic: str
    source_topic: str
    source: str
    sink_url: str
    bootstrap_servers: str
    kafka_cluster: str


def plan_redrive(
    cluster: Cluster,
    namespace: str,
    topic: str,
    *,
    source: str | None = None,
    listener: str = "plain",
    bootstrap_servers: str | None = None,
    sink_url: str | None = None,
) -> RedrivePlan:
    """Resolve a DLQ topic (e.g. task-events.dlq) to its Kafka and its function; the overrides
    replace what the cluster would say (e.g. a port-forwarded address)."""
    if not topic.endswith(DLQ_SUFFIX) or topic == DLQ_SUFFIX:
        raise Unresolvable(f"{topic} is not a dead-letter topic (<topic>{DLQ_SUFFIX})")
    original = topic.removesuffix(DLQ_SUFFIX)
    kafka_source = pick_source(cluster.list(SOURCES, "kafkasources", namespace), original, source)
    kafka_name = kafka_cluster_of(cluster.list(STRIMZI, "kafkatopics", namespace), topic)
    return RedrivePlan(
        topic=topic,
        source_topic=original,
        source=kafka_source["metadata"]["name"],
        sink_url=sink_url or sink_of(cluster, kafka_source, namespace),
        bootstrap_servers=bootstrap_servers
        or bootstrap_of(cluster.list(STRIMZI, "kafkas"), kafka_name, listener),
        kafka_cluster=kafka_name,
    )


def pick_source(sources: list[dict[str, Any]], topic: str, name: str | None) -> dict[str, Any]:
    """The one KafkaSource reading `topic` (or the one called `name`); of several, the one of
    the function whose dead letters are `topic`'s DLQ (the Trigger table's rule, as `taskai
    redrive` has it: recurrence's for task-events.dlq, not the webhooks')."""
    from taskai.triggers import TRIGGERS

    readers = [s for s in sources if topic in s.get("spec", {}).get("topics", [])]
    chosen = [s for s in readers if name in (None, s["metadata"]["name"])]
    if name is None and len(chosen) > 1:
        owners = {t.function for t in TRIGGERS if t.dead_letter_topic == topic + DLQ_SUFFIX}
        chosen = [s for s in chosen if s["metadata"]["name"] in owners] or chosen
    if len(chosen) == 1:
        return chosen[0]
    names = ", ".join(sorted(s["metadata"]["name"] for s in readers)) or "none"
    if not chosen:
        raise Unresolvable(f"no KafkaSource {name or ''} reads {topic} (sources of it: {names})")
    raise Unresolvable(f"several KafkaSources read {topic} ({names}): choose one with --source")


def kafka_cluster_of(topics: list[dict[str, Any]], topic: str) -> str:
    """The Strimzi cluster (label strimzi.io/cluster) of the KafkaTopic that is `topic`."""
    for t in topics:
        if (t.get("spec", {}).get("topicName") or t["metadata"]["name"]) == topic:
            name = t["metadata"].get("labels", {}).get("strimzi.io/cluster")
            if name:
                return str(name)
            raise Unresolvable(f"KafkaTopic {t['metadata']['name']} has no strimzi.io/cluster")
    raise Unresolvable(f"no KafkaTopic for {topic}")


def bootstrap_of(kafkas: list[dict[str, Any]], name: str, listener: str) -> str:
    """bootstrapServers of `listener` in the status of the Kafka resource `name`."""
    matching = [k for k in kafkas if k["metadata"]["name"] == name]
    if len(matching) != 1:
        where = ", ".join(f"{k['metadata'].get('namespace')}/{name}" for k in matching) or "none"
        raise Unresolvable(f"expected one Kafka resource {name}, found {where}")
    listeners = (matching[0].get("status") or {}).get("listeners") or []
    for entry in listeners:
        if entry.get("name") == listener and entry.get("bootstrapServers"):
            return str(entry["bootstrapServers"])
    known = ", ".join(str(e.get("name")) for e in listeners) or "none yet"
    raise Unresolvable(f"Kafka {name} reports no listener {listener} (listeners: {known})", 1)


def sink_of(cluster: Cluster, source: dict[str, Any], namespace: str) -> str:
    """The sink URL: a Knative Service ref's status.address.url (plus sink.uri as a path), or
    sink.uri alone."""
    sink = source.get("spec", {}).get("sink", {})
    ref, uri = sink.get("ref"), sink.get("uri", "")
    if not ref:
        if uri:
            return str(uri)
        raise Unresolvable(f"KafkaSource {source['metadata']['name']} has no sink", 1)
    if ref.get("kind") != "Service" or not str(ref.get("apiVersion", "")).startswith(SERVING[0]):
        resolved = (source.get("status") or {}).get("sinkUri")
        if resolved:
            return str(resolved)
        raise Unresolvable(f"the sink {ref.get('kind')} {ref.get('name')} is not resolved", 1)
    services = cluster.list(SERVING, "services", ref.get("namespace") or namespace)
    service = next((s for s in services if s["metadata"]["name"] == ref.get("name")), None)
    if service is None:
        raise Unresolvable(f"the sink Service {ref.get('name')} does not exist", 1)
    url = ((service.get("status") or {}).get("address") or {}).get("url")
    if not url:
        raise Unresolvable(f"the sink Service {ref.get('name')} has no address (not ready)", 1)
    return str(url).rstrip("/") + ("/" + uri.lstrip("/") if uri else "")
