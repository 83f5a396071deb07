"""What `taskai cluster status` reports: readiness of each Knative Service, source and topic,
read from the objects exactly as Knative and Strimzi write their status."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Obj = dict[str, Any]
MIN_SCALE = "autoscaling.knative.dev/min-scale"
MAX_SCALE = "autoscaling.knative.dev/max-scale"


@dataclass(frozen=True)
class Readiness:
    """The Ready condition: status "True", "False" or "Unknown", with its reason and message."""

    status: str
    reason: str = ""
    message: str = ""

    @property
    def ok(self) -> bool:
        """True only when the condition's status is "True"."""
        return self.status == "True"


def readiness(obj: Obj, condition: str = "Ready") -> Readiness:
    """`condition` of obj's status; Unknown while the controller has not seen the newest spec
    (status.observedGeneration < metadata.generation), as `kubectl wait` would."""
    status = obj.get("status") or {}
    generation = obj.get("metadata", {}).get("generation")
    observed = status.get("observedGeneration")
    if condition == "Ready" and generation and (observed or 0) < generation:
        return Readiness("Unknown", "NotObserved", f"generation {generation} not yet reconciled")
    for c in status.get("conditions") or []:
        if c.get("type") == condition:
            return Readiness(c.get("status", "Unknown"), c.get("reason", ""), c.get("message", ""))
    return Readiness("Unknown", "NoCondition", f"no {condition} condition yet")


@dataclass
class ServiceReport:
    """One Knative Service: readiness, revisions, traffic split and scale (pods) now/wanted."""

    name: str
    ready: Readiness
    url: str | None
    latest_ready_revision: str | None
    latest_created_revision: str | None
    traffic: list[dict[str, Any]]
    current_scale: int | None
    desired_scale: int | None
    min_scale: str
    max_scale: str
    scale_to_zero: str  # "scaled to zero", "active", "activating", "off (min-scale N)", "unknown"


@dataclass
class SourceReport:
    """A KafkaSource or PingSource: readiness, the resolved sink URL (None: unresolved), input."""

    kind: str
    name: str
    ready: Readiness
    sink: str | None
    feeds: str  # the topics of a KafkaSource, the schedule of a PingSource


@dataclass
class TopicReport:
    """A Strimzi KafkaTopic: readiness, Kafka topic name, partitions and replicas."""

    name: str
    ready: Readiness
    partitions: int | None
    replicas: int | None


@dataclass
class ClusterReport:
    """Everything `taskai cluster status` shows for one namespace."""

    namespace: str
    services: list[ServiceReport] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)
    topics: list[TopicReport] = field(default_factory=list)
    not_served: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """One line per thing that is not ready (empty: all ready)."""
        found = [f"not served: {api}" for api in self.not_served]
        if not self.services and not self.not_served:
            found.append(f"no Knative Service in namespace {self.namespace}")
        items: list[tuple[str, str, Readiness]] = [
            ("Service", s.name, s.ready) for s in self.services
        ]
        items += [(s.kind, s.name, s.ready) for s in self.sources]
        items += [("KafkaTopic", t.name, t.ready) for t in self.topics]
        for kind, name, ready in items:
            if not ready.ok:
                found.append(f"{kind} {name}: {ready.status} {ready.reason}: {ready.message}")
        found += [f"{s.kind} {s.name}: no sink" for s in self.sources if s.ready.ok and not s.sink]
        return found

    @property
    def ready(self) -> bool:
        """True when problems() finds nothing."""
        return not self.problems()

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready dicts and lists, with `ready` and `problems` added."""
        return asdict(self) | {"ready": self.ready, "problems": self.problems()}


def service_report(service: Obj, revisions: dict[str, Obj]) -> ServiceReport:
    """A Service's report; `revisions` by name give the scale of those that take traffic."""
    status = service.get("status") or {}
    notes = service["spec"].get("template", {}).get("metadata", {}).get("annotations", {})
    traffic = [
        {"revision": t.get("revisionName"), "percent": t.get("percent", 0)}
        | ({"tag": t["tag"]} if t.get("tag") else {})
        for t in status.get("traffic") or []
    ]
    serving = [revisions[t["revision"]] for t in traffic if t["revision"] in revisions]
    latest = revisions.get(status.get("latestReadyRevisionName", ""))
    if not serving and latest:
        serving = [latest]
    current = desired = None
    if serving:
        current = sum(r.get("status", {}).get("actualReplicas", 0) for r in serving)
        desired = sum(r.get("status", {}).get("desiredReplicas", 0) for r in serving)
    min_scale = str(notes.get(MIN_SCALE, "0"))
    return ServiceReport(
        name=service["metadata"]["name"],
        ready=readiness(service),
        url=(status.get("address") or {}).get("url") or status.get("url"),
        latest_ready_revision=status.get("latestReadyRevisionName"),
        latest_created_revision=status.get("latestCreatedRevisionName"),
        traffic=traffic,
        current_scale=current,
        desired_scale=desired,
        min_scale=min_scale,
        max_scale=str(notes.get(MAX_SCALE, "")),
        scale_to_zero=scale_to_zero_state(min_scale, serving),
    )


def scale_to_zero_state(min_scale: str, revisions: list[Obj]) -> str:
    """From the revisions' Active condition: False/NoTraffic is Knative's "scaled to zero"."""
    if min_scale not in ("", "0"):
        return f"off (min-scale {min_scale})"
    if not revisions:
        return "unknown"
    active = [readiness(r, "Active") for r in revisions]
    if any(a.ok for a in active):
        return "active"
    if all(a.status == "False" and a.reason == "NoTraffic" for a in active):
        return "scaled to zero"
    return "activating"


def source_report(source: Obj) -> SourceReport:
    """A KafkaSource's or PingSource's report: readiness, sink URI, and topics or cron schedule
    fed from."""
    spec, kind = source.get("spec", {}), source.get("kind", "")
    feeds = ",".join(spec.get("topics", [])) if kind == "KafkaSource" else spec.get("schedule", "")
    return SourceReport(
        kind=kind,
        name=source["metadata"]["name"],
        ready=readiness(source),
        sink=(source.get("status") or {}).get("sinkUri"),
        feeds=feeds,
    )


def topic_report(topic: Obj) -> TopicReport:
    """A Strimzi KafkaTopic's report: topic name, readiness, partitions and replicas."""
    spec = topic.get("spec", {})
    return TopicReport(
        name=spec.get("topicName") or topic["metadata"]["name"],
        ready=readiness(topic),
        partitions=spec.get("partitions"),
        replicas=spec.get("replicas"),
    )


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """`rows` under `header` as plain-text lines, columns left-aligned and two spaces apart."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def render_text(report: ClusterReport) -> str:
    """The report as aligned tables, then a verdict line and the problems, for a terminal."""

    def number(n: int | None) -> str:
        return "?" if n is None else str(n)

    services = [
        [
            s.name,
            s.ready.status,
            (s.latest_ready_revision or "-")
            + (
                f" (latest {s.latest_created_revision})"
                if s.latest_created_revision not in (None, s.latest_ready_revision)
                else ""
            ),
            ", ".join(f"{t['revision']}={t['percent']}%" for t in s.traffic) or "-",
            f"{number(s.current_scale)}/{number(s.desired_scale)}",
            s.scale_to_zero,
        ]
        for s in report.services
    ]
    sources = [[s.kind, s.name, s.ready.status, s.sink or "-", s.feeds] for s in report.sources]
    topics = [
        [t.name, t.ready.status, number(t.partitions), number(t.replicas)] for t in report.topics
    ]
    lines = [f"Knative Services in {report.namespace}"]
    lines += table(["NAME", "READY", "REVISION", "TRAFFIC", "SCALE", "SCALE-TO-ZERO"], services)
    lines += ["", "Sources"]
    lines += table(["KIND", "NAME", "READY", "SINK", "FROM"], sources)
    lines += ["", "Kafka topics"]
    lines += table(["TOPIC", "READY", "PARTITIONS", "REPLICAS"], topics)
    problems = report.problems()
    lines += ["", "All ready." if not problems else f"Not ready ({len(problems)}):"]
    lines += [f"  {p}" for p in problems]
    return "\n".join(lines) + "\n"
