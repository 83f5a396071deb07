"""TaskAI's objects as a cluster holds them after `terraform apply`: knative/base with the
namespace and image set, and the status Knative 1.23 and Strimzi write (conditions sorted by
type, observedGeneration, revisions named <service>-00001, cluster-local addresses)."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
NAMESPACE, IMAGE = "taskai", "ghcr.io/acme/taskai:0.1.0"
DIGEST = "ghcr.io/acme/taskai@sha256:" + "5d" * 32
T0, T1 = "2026-01-12T09:30:04Z", "2026-01-12T10:02:41Z"
BOOTSTRAP = "taskai-kafka-bootstrap.kafka.svc:9092"
ACTIVE = {"tasks": 2, "auth": 1}  # pods running now; every other function is scaled to zero

Obj = dict[str, Any]


def condition(kind: str, status: str = "True", reason: str = "", message: str = "") -> Obj:
    found = {"lastTransitionTime": T0, "status": status, "type": kind}
    return (
        found | ({"reason": reason} if reason else {}) | ({"message": message} if message else {})
    )


def conditions(*found: Obj) -> list[Obj]:
    return sorted(found, key=lambda c: c["type"])  # Knative's condition sets sort by type


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def placed(doc: Obj, generation: int = 1) -> Obj:
    """doc with the metadata the API server adds."""
    doc = copy.deepcopy(doc)
    doc["metadata"] |= {
        "namespace": doc["metadata"].get("namespace", NAMESPACE),
        "uid": uid(f"{doc['kind']}/{doc['metadata']['name']}"),
        "generation": generation,
        "resourceVersion": str(40000 + len(doc["metadata"]["name"])),
        "creationTimestamp": T0,
    }
    return doc


def url(service: str) -> str:
    return f"http://{service}.{NAMESPACE}.svc.cluster.local"


def service(doc: Obj, replicas: int) -> list[Obj]:
    """A ready Service and its revision 00001 (scaled to zero when `replicas` is 0)."""
    ksvc, name = placed(doc), doc["metadata"]["name"]
    ksvc["spec"]["template"]["spec"]["containers"][0]["image"] = IMAGE
    ksvc["spec"]["traffic"] = [{"latestRevision": True, "percent": 100}]
    ksvc["metadata"]["annotations"] = {
        "serving.knative.dev/creator": "system:admin",
        "serving.knative.dev/lastModifier": "system:admin",
    }
    revision = f"{name}-00001"
    ksvc["status"] = {
        "observedGeneration": 1,
        "conditions": conditions(
            condition("ConfigurationsReady"), condition("Ready"), condition("RoutesReady")
        ),
        "latestCreatedRevisionName": revision,
        "latestReadyRevisionName": revision,
        "url": url(name),
        "address": {"url": url(name)},
        "traffic": [{"revisionName": revision, "latestRevision": True, "percent": 100}],
    }
    return [ksvc, revision_of(ksvc, revision, replicas)]


def revision_of(ksvc: Obj, name: str, replicas: int, failure: str = "") -> Obj:
    """The Revision Knative creates from ksvc's template: Active False/NoTraffic at zero."""
    service_name = ksvc["metadata"]["name"]
    template = ksvc["spec"]["template"]
    if failure:
        health = [
            condition("ContainerHealthy", "False", "ImagePullBackOff", failure),
            condition("Ready", "False", "ImagePullBackOff", failure),
            condition("ResourcesAvailable", "False", "ImagePullBackOff", failure),
        ]
        active = condition("Active", "Unknown", "Deploying", "")
    else:
        health = [
            condition("ContainerHealthy"),
            condition("Ready"),
            condition("ResourcesAvailable"),
        ]
        active = (
            condition("Active")
            if replicas
            else condition("Active", "False", "NoTraffic", "The target is not receiving traffic.")
        )
    active["severity"] = "Info"
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Revision",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "uid": uid(f"Revision/{name}"),
            "generation": 1,
            "creationTimestamp": T0,
            "labels": template.get("metadata", {}).get("labels", {})
            | {
                "serving.knative.dev/configuration": service_name,
                "serving.knative.dev/configurationGeneration": str(ksvc["metadata"]["generation"]),
                "serving.knative.dev/configurationUID": uid(f"Configuration/{service_name}"),
                "serving.knative.dev/routingState": "active",
                "serving.knative.dev/service": service_name,
                "serving.knative.dev/serviceUID": ksvc["metadata"]["uid"],
            },
            "annotations": template.get("metadata", {}).get("annotations", {})
            | {
                "serving.knative.dev/creator": "system:admin",
                "serving.knative.dev/routes": service_name,
            },
            "ownerReferences": [
                {
                    "apiVersion": "serving.knative.dev/v1",
                    "kind": "Configuration",
                    "name": service_name,
                    "uid": uid(f"Configuration/{service_name}"),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": copy.deepcopy(template["spec"]),
        "status": {
            "observedGeneration": 1,
            "conditions": conditions(active, *health),
            "actualReplicas": 0 if failure else replicas,
            "desiredReplicas": 1 if failure else replicas,
            "containerStatuses": [
                {"name": "function"} | ({} if failure else {"imageDigest": DIGEST})
            ],
        },
    }


def ready_source(doc: Obj) -> Obj:
    source = placed(doc)
    sink = source["spec"]["sink"]["ref"]["name"]
    status: Obj = {"observedGeneration": 1, "sinkUri": url(sink)}
    if source["kind"] == "KafkaSource":
        status |= {
            "conditions": conditions(
                condition("ConsumerGroup"),
                condition("InitialOffsetsCommitted"),
                condition("OIDCIdentityCreated", reason="authentication-oidc feature disabled"),
                condition("Ready"),
                condition("SinkProvided"),
            ),
            "consumers": 1,
            "maxAllowedVReplicas": 1,
            "placements": [{"podName": "kafka-source-dispatcher-0", "vreplicas": 1}],
            "selector": "eventing.knative.dev/source=kafka-source-controller,"
            f"eventing.knative.dev/sourceName={source['metadata']['name']}",
            "ceAttributes": [
                {
                    "source": f"/apis/v1/namespaces/kafka/kafkas/taskai#{t}",
                    "type": "dev.knative.kafka.event",
                }
                for t in source["spec"]["topics"]
            ],
        }
    else:
        status |= {
            "conditions": conditions(
                condition("Deployed"),
                condition("OIDCIdentityCreated", reason="authentication-oidc feature disabled"),
                condition("Ready"),
                condition("SinkProvided"),
            ),
            "ceAttributes": [
                {
                    "source": f"/apis/v1/namespaces/{NAMESPACE}/pingsources/{source['metadata']['name']}",
                    "type": "dev.knative.sources.ping",
                }
            ],
        }
    source["status"] = status
    return source


def ready_topic(doc: Obj) -> Obj:
    topic = placed(doc)
    name = topic["spec"].get("topicName", topic["metadata"]["name"])
    topic["status"] = {
        "conditions": [condition("Ready")],
        "observedGeneration": 1,
        "topicName": name,
        "topicId": uid(f"topic/{name}")[:22].replace("-", "A"),
    }
    return topic


def kafka() -> Obj:
    """The Kafka of terraform/modules/platform/manifests/kafka.yaml.tftpl, reconciled."""
    return {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "Kafka",
        "metadata": {
            "name": "taskai",
            "namespace": "kafka",
            "uid": uid("Kafka/taskai"),
            "generation": 1,
            "creationTimestamp": T0,
        },
        "spec": {
            "kafka": {
                "listeners": [
                    {"name": "plain", "port": 9092, "type": "internal", "tls": False},
                    {"name": "tls", "port": 9093, "type": "internal", "tls": True},
                ],
                "config": {"auto.create.topics.enable": False, "min.insync.replicas": 2},
            },
            "entityOperator": {"topicOperator": {"watchedNamespace": NAMESPACE}},
        },
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": T0}],
            "observedGeneration": 1,
            "listeners": [
                {
                    "name": "plain",
                    "addresses": [{"host": "taskai-kafka-bootstrap.kafka.svc", "port": 9092}],
                    "bootstrapServers": BOOTSTRAP,
                },
                {
                    "name": "tls",
                    "addresses": [{"host": "taskai-kafka-bootstrap.kafka.svc", "port": 9093}],
                    "bootstrapServers": "taskai-kafka-bootstrap.kafka.svc:9093",
                    "certificates": ["-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n"],
                },
            ],
            "kafkaNodePools": [{"name": "dual-role"}],
            "clusterId": "Yz3kQm1nRWqv0TgkH8vL2A",
            "kafkaVersion": "4.1.0",
            "kafkaMetadataVersion": "4.1-IV1",
            "operatorLastSuccessfulVersion": "0.49.0",
        },
    }


def base_documents() -> list[Obj]:
    docs: list[Obj] = []
    for path in sorted((REPO / "knative" / "base").glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def healthy() -> list[Obj]:
    """Every function ready (tasks and auth running, the rest scaled to zero), sources with
    their sinks, topics ready, and the Kafka cluster."""
    found: list[Obj] = [kafka()]
    for doc in base_documents():
        if doc["kind"] == "Service" and doc["apiVersion"].startswith("serving.knative.dev"):
            found += service(doc, ACTIVE.get(doc["metadata"]["name"], 0))
        elif doc["kind"] in ("KafkaSource", "PingSource"):
            found.append(ready_source(doc))
        elif doc["kind"] == "KafkaTopic":
            found.append(ready_topic(doc))
    return found


def broken() -> list[Obj]:
    """healthy(), but `ai` rolled out an image that cannot be pulled (its revision 00002 fails;
    traffic stays on 00001) and the KafkaSource `notifications` names a sink that does not exist."""
    found = healthy()
    ksvc = next(o for o in found if o["kind"] == "Service" and o["metadata"]["name"] == "ai")
    ksvc["metadata"]["generation"] = 2
    ksvc["spec"]["template"]["spec"]["containers"][0]["image"] = "ghcr.io/acme/taskai:0.2.0"
    message = 'Back-off pulling image "ghcr.io/acme/taskai:0.2.0"'
    failed = f'Revision "ai-00002" failed with message: {message}.'
    ksvc["status"] |= {
        "observedGeneration": 2,
        "latestCreatedRevisionName": "ai-00002",
        "conditions": conditions(
            condition("ConfigurationsReady", "False", "RevisionFailed", failed),
            condition("Ready", "False", "RevisionFailed", failed),
            condition("RoutesReady"),
        ),
    }
    found.append(revision_of(ksvc, "ai-00002", 0, failure=message))
    source = next(
        o for o in found if o["kind"] == "KafkaSource" and o["metadata"]["name"] == "notifications"
    )
    source["metadata"]["generation"] = 2
    source["spec"]["sink"]["ref"]["name"] = "notification"
    not_found = (
        "failed to get object taskai/notification: "
        'services.serving.knative.dev "notification" not found'
    )
    source["status"] = {
        "observedGeneration": 2,
        "conditions": conditions(
            condition("ConsumerGroup", "Unknown"),
            condition("InitialOffsetsCommitted", "Unknown"),
            condition("OIDCIdentityCreated", reason="authentication-oidc feature disabled"),
            condition("Ready", "False", "NotFound", not_found),
            condition("SinkProvided", "False", "NotFound", not_found),
        ),
    }
    return found
