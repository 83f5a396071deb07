"""Cross-checks of the rendered manifests: settings, sources, sinks, topics, routes, scaling."""

from __future__ import annotations

from typing import Any

from taskai.config import Settings

from .manifest_schemas import name_of, of_kind

SECRET_SETTINGS = {
    "DATABASE_URL",
    "JWT_SECRET",
    "RESEND_API_KEY",
    "OPENAI_API_KEY",
    "EVENTS_TOKEN",
    "VAPID_PRIVATE_KEY",
}
# Settings in neither the ConfigMap nor the Secret, and why.
EMBEDDED_ONLY = {
    "DATA_DIR",  # the SQLite folder: meaningless with DATABASE_URL set
    "EVENTS_OIDC_AUDIENCE",  # per event function, on its Service, not in the ConfigMap
    # derived from VAPID_PRIVATE_KEY; in the shared ConfigMap it would stop every function
    # without that key from starting (a public key without its private key is refused)
    "VAPID_PUBLIC_KEY",
}
SETTINGS = {name.upper() for name in Settings.model_fields}
IMAGE_ENV = {"FUNCTION_TARGET", "WORKERS", "THREADS"}  # read by the image's command
CONFIG_MAP, SECRET = "taskai-config", "taskai-secrets"
KSVC = ("serving.knative.dev/v1", "Service")
# What runs where: FUNCTION_TARGET (the folder under functions/), how it is fed, the secrets it
# needs beyond DATABASE_URL and JWT_SECRET (and EVENTS_TOKEN, which event-fed ones may read):
# it gets those and no others. And the public /api prefixes it owns.
FUNCTIONS: dict[str, dict[str, Any]] = {
    "auth": {
        "target": "auth",
        "trigger": "http",
        "prefixes": ["/api/auth", "/api/tokens", "/api/webhooks"],
        "secrets": ["VAPID_PRIVATE_KEY"],  # the push key endpoint and the test push
    },
    "tasks": {
        "target": "tasks",
        "trigger": "http",
        "prefixes": ["/api/tasks", "/api/sync", "/api/filters", "/api/projects", "/api/sections"],
    },
    "stream": {"target": "stream", "trigger": "http", "prefixes": ["/api/stream"]},  # live push
    "tags": {"target": "tags", "trigger": "http", "prefixes": ["/api/tags"]},
    "ai": {
        "target": "ai",
        "trigger": "http",
        "prefixes": ["/api/ai"],
        "secrets": ["OPENAI_API_KEY"],
    },
    "recurrence": {"target": "recurrence", "trigger": "kafka", "topic": "task-events"},
    # webhooks: its deliveries at once from task-events, and its retries on the tick
    "webhooks": {"target": "webhooks", "trigger": "kafka+ping", "topic": "task-events"},
    "notifications": {
        "target": "notifications",
        "trigger": "kafka",
        "topic": "reminders",
        "secrets": ["RESEND_API_KEY", "VAPID_PRIVATE_KEY"],  # email and Web Push
    },
    "reminders": {"target": "reminders", "trigger": "ping"},
    "outbox-relay": {"target": "outbox", "trigger": "ping"},
    "dead-letters": {"target": "deadletters", "trigger": "ping"},  # and the dead-letter sink
}


def container(service: dict[str, Any]) -> dict[str, Any]:
    return service["spec"]["template"]["spec"]["containers"][0]


def env_value(service: dict[str, Any], name: str) -> str | None:
    return next(
        (e.get("value") for e in container(service).get("env", []) if e["name"] == name), None
    )


def settings_problems(
    docs: list[dict[str, Any]], config_keys: set[str], secret_keys: set[str]
) -> list[str]:
    """Every Service gets every setting it needs, by exact name, from keys that exist, and no
    secret beyond those FUNCTIONS gives it (least privilege)."""
    found = []
    for service in of_kind(docs, *KSVC):
        name, c = service["metadata"]["name"], container(service)
        provided: set[str] = set()
        for e in c.get("env", []):
            if e["name"] not in SETTINGS | IMAGE_ENV:
                found.append(
                    f"{name}: env {e['name']} is neither a Settings field nor read by the image"
                )
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref and (ref.get("name") != SECRET or ref.get("key") not in secret_keys):
                found.append(f"{name}: env {e['name']} refers to a missing secret key {ref}")
            elif ref and ref["key"] != e["name"]:
                found.append(f"{name}: env {e['name']} reads secret key {ref['key']}")
            provided.add(e["name"])
        for source in c.get("envFrom", []):
            if source.get("configMapRef", {}).get("name") == CONFIG_MAP:
                provided |= config_keys
            else:
                found.append(f"{name}: envFrom {source} is not the ConfigMap {CONFIG_MAP}")
        spec = FUNCTIONS.get(name, {})
        needed = (SETTINGS - SECRET_SETTINGS - EMBEDDED_ONLY) | {"DATABASE_URL", "JWT_SECRET"}
        needed |= set(spec.get("secrets", []))
        found += [f"{name}: {key} is not provided" for key in sorted(needed - provided)]
        allowed = needed | ({"EVENTS_TOKEN"} if spec.get("trigger", "http") != "http" else set())
        read = {e["name"] for e in c.get("env", []) if e["name"] in SECRET_SETTINGS}
        found += [
            f"{name}: secret {e['name']} is written in the manifest, not read from {SECRET}"
            for e in c.get("env", [])
            if e["name"] in SECRET_SETTINGS and "secretKeyRef" not in e.get("valueFrom", {})
        ]
        found += [
            f"{name}: reads secret {key}, which FUNCTIONS does not give it"
            for key in sorted(read - allowed)
        ]
    return found


def wiring_problems(docs: list[dict[str, Any]]) -> list[str]:
    """Sources, sinks, topics, routes and the image agree with each other and with FUNCTIONS."""
    found: list[str] = []
    services = {s["metadata"]["name"]: s for s in of_kind(docs, *KSVC)}
    topics = {
        t["spec"].get("topicName", t["metadata"]["name"]): t
        for t in of_kind(docs, "kafka.strimzi.io/v1", "KafkaTopic")
    }
    namespaces = {d["metadata"].get("namespace") for d in docs}
    if len(namespaces) != 1:
        found.append(f"manifests span namespaces {namespaces}")
    found += [
        f"Service/{n} is deployed but not in FUNCTIONS" for n in services if n not in FUNCTIONS
    ]
    found += [f"FUNCTIONS[{n}] has no Service" for n in FUNCTIONS if n not in services]
    found += _source_problems(docs, services, topics)
    for topic, config in topics.items():
        if (
            config["spec"].get("partitions") != 3
            or config["spec"].get("config", {}).get("retention.ms") != 7 * 24 * 3600 * 1000
        ):
            found.append(f"KafkaTopic {topic}: not 3 partitions and 7 days")
    images = {
        c["image"] for s in services.values() for c in s["spec"]["template"]["spec"]["containers"]
    }
    if len(images) != 1:
        found.append(f"functions run {len(images)} images: {sorted(images)}")
    found += [p for name, s in services.items() for p in service_problems(name, s)]
    found += route_problems(docs, services)
    return found


def _source_problems(
    docs: list[dict[str, Any]], services: dict[str, Any], topics: dict[str, Any]
) -> list[str]:
    """KafkaSources and PingSources sink into these Services and feed each as FUNCTIONS says."""
    found: list[str] = []
    fed: dict[str, list[str]] = {}
    for source in of_kind(docs, "sources.knative.dev/v1", "KafkaSource"):
        where, spec = name_of(source), source["spec"]
        delivery = spec.get("delivery", {})
        found += _sink_problem(f"{where} sink", spec.get("sink", {}).get("ref"), services)
        dead_letters = delivery.get("deadLetterSink", {}).get("ref")
        found += _sink_problem(f"{where} dead-letter sink", dead_letters, services)
        if not (
            delivery.get("retry", 0) >= 1
            and delivery.get("backoffPolicy") == "exponential"
            and delivery.get("backoffDelay")
            and delivery.get("timeout")
        ):
            found.append(f"{where}: delivery needs retry, exponential backoff and a timeout")
        for topic in spec.get("topics", []):
            if topic not in topics:
                found.append(f"{where}: topic {topic} has no KafkaTopic")
            fed.setdefault(spec.get("sink", {}).get("ref", {}).get("name", "?"), []).append(
                f"kafka:{topic}"
            )
    for source in of_kind(docs, "sources.knative.dev/v1", "PingSource"):
        where, spec = name_of(source), source["spec"]
        found += _sink_problem(f"{where} sink", spec.get("sink", {}).get("ref"), services)
        if spec.get("schedule") != "* * * * *":
            found.append(f"{where}: schedule {spec.get('schedule')!r} is not every minute")
        fed.setdefault(spec.get("sink", {}).get("ref", {}).get("name", "?"), []).append("ping")
    for name, spec in FUNCTIONS.items():
        kafka = f"kafka:{spec.get('topic')}"
        expected = {"kafka": [kafka], "ping": ["ping"], "kafka+ping": [kafka, "ping"]}.get(
            spec["trigger"], []
        )
        if sorted(fed.get(name, [])) != expected:
            found.append(f"{name} is fed by {fed.get(name, [])}, expected {expected}")
    return found


def _sink_problem(where: str, ref: dict[str, Any] | None, services: dict[str, Any]) -> list[str]:
    """A problem if `ref` does not name one of `services` as a Knative Service."""
    if (
        not ref
        or (ref.get("apiVersion"), ref.get("kind")) != KSVC
        or ref.get("name") not in services
    ):
        return [f"{where} does not name a Knative Service of these manifests: {ref}"]
    return []


def service_problems(name: str, service: dict[str, Any]) -> list[str]:
    """Scale to zero, bounded scale, concurrency matching the image's threads, probes, limits."""
    found = []
    spec = FUNCTIONS.get(name, {})
    labels = service["metadata"].get("labels", {})
    if labels.get("networking.knative.dev/visibility") != "cluster-local":
        found.append(
            f"{name}: not cluster-local (every function is reached only inside the cluster)"
        )
    template = service["spec"]["template"]
    notes = template.get("metadata", {}).get("annotations", {})
    if notes.get("autoscaling.knative.dev/min-scale") != "0":
        found.append(f'{name}: min-scale is not "0" (scale to zero)')
    if not str(notes.get("autoscaling.knative.dev/max-scale", "")).isdigit():
        found.append(f"{name}: no max-scale")
    if not str(notes.get("autoscaling.knative.dev/target", "")).isdigit():
        found.append(f"{name}: no concurrency target")
    scrape = {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics"}
    if any(notes.get(k) != v for k, v in scrape.items()) or notes.get("prometheus.io/port") != str(
        container(service).get("ports", [{}])[0].get("containerPort")
    ):
        found.append(f"{name}: not annotated for Prometheus to scrape /metrics on its port")
    threads = int(env_value(service, "WORKERS") or 0) * int(env_value(service, "THREADS") or 0)
    if template["spec"].get("containerConcurrency") != threads or threads == 0:
        found.append(
            f"{name}: containerConcurrency {template['spec'].get('containerConcurrency')} "
            f"is not WORKERS x THREADS ({threads})"
        )
    target = env_value(service, "FUNCTION_TARGET")
    if target != spec.get("target"):
        found.append(f"{name}: FUNCTION_TARGET is {target}, expected {spec.get('target')}")
    c = container(service)
    for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
        if c.get(probe, {}).get("httpGet", {}).get("path") != path:
            found.append(f"{name}: {probe} is not on {path}")
    for bound in ("requests", "limits"):
        if not {"cpu", "memory"} <= set(c.get("resources", {}).get(bound, {})):
            found.append(f"{name}: resources.{bound} lacks cpu or memory")
    return found


def route_problems(docs: list[dict[str, Any]], services: dict[str, Any]) -> list[str]:
    """Each public /api prefix reaches its function through the one TLS origin."""
    found = []
    gateways = of_kind(docs, "gateway.networking.k8s.io/v1", "Gateway")
    https = [
        (g["metadata"]["name"], listener)
        for g in gateways
        for listener in g["spec"]["listeners"]
        if listener.get("protocol") == "HTTPS" and listener.get("tls", {}).get("certificateRefs")
    ]
    if len(https) != 1:
        return [f"expected one public HTTPS listener with a certificate, found {len(https)}"]
    gateway, listener = https[0]
    namespace = docs[0]["metadata"].get("namespace")
    routed: dict[str, str] = {}
    for route in of_kind(docs, "gateway.networking.k8s.io/v1", "HTTPRoute"):
        if not any(
            p.get("name") == gateway and p.get("sectionName") == listener["name"]
            for p in route["spec"].get("parentRefs", [])
        ):
            continue
        if route["spec"].get("hostnames") != [listener.get("hostname")]:
            found.append(
                f"{name_of(route)}: hostnames differ from the listener's {listener.get('hostname')}"
            )
        for rule in route["spec"].get("rules", []):
            hosts = [
                f["urlRewrite"].get("hostname")
                for f in rule.get("filters", [])
                if f.get("type") == "URLRewrite"
            ]
            for match in rule.get("matches", []):
                routed[match.get("path", {}).get("value", "")] = hosts[0] if hosts else ""
    for name, spec in FUNCTIONS.items():
        for prefix in spec.get("prefixes", []):
            expected = f"{name}.{namespace}.svc.cluster.local"
            if routed.get(prefix) != expected or name not in services:
                found.append(f"{prefix} routes to {routed.get(prefix)!r}, expected {expected}")
    return found
