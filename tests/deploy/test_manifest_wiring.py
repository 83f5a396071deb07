"""Cross-checks of the rendered manifests: settings, sources, sinks, topics, routes, the image,
and agreement with Terraform and with the code's own registry of topics and triggers."""

from __future__ import annotations

import re
from typing import Any

import deploy_checks as dc
import pytest

from taskai import triggers
from taskai.contracts import registry


@pytest.mark.parametrize("overlay", dc.OVERLAYS)
def test_every_service_gets_every_setting_it_needs_from_keys_that_exist(
    overlay: str,
    rendered: dict[str, list[dict[str, Any]]],
    settings_keys: tuple[set[str], set[str]],
) -> None:
    assert dc.settings_problems(rendered[overlay], *settings_keys) == []


@pytest.mark.parametrize("overlay", dc.OVERLAYS)
def test_sources_sinks_topics_routes_and_the_image_agree(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    assert dc.wiring_problems(rendered[overlay]) == []


def test_the_configmap_and_secret_keys_are_exactly_the_upper_case_settings_fields(
    settings_keys: tuple[set[str], set[str]],
) -> None:
    config, secret = settings_keys
    assert secret == dc.SECRET_SETTINGS
    assert config == dc.SETTINGS - dc.SECRET_SETTINGS - dc.EMBEDDED_ONLY
    assert not config & secret


@pytest.mark.parametrize("overlay", dc.OVERLAYS)
def test_each_overlay_runs_a_released_image_not_latest(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    (image,) = {dc.container(s)["image"] for s in dc.of_kind(rendered[overlay], *dc.KSVC)}
    assert re.fullmatch(r"[\w.\-/:]+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})", image), image
    assert not image.endswith(":latest") and image != "taskai", image


def test_the_kafka_topics_match_the_code_registry(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    for overlay, docs in rendered.items():
        topics = {
            t["spec"].get("topicName", t["metadata"]["name"]): t["spec"]
            for t in dc.of_kind(docs, "kafka.strimzi.io/v1", "KafkaTopic")
        }
        assert set(topics) == set(registry.TOPICS), overlay
        for name, config in registry.TOPICS.items():
            assert topics[name]["partitions"] == config["partitions"], (overlay, name)
            assert topics[name]["config"]["retention.ms"] == config["retention_ms"], (overlay, name)
        for topic, dead_letters in registry.DEAD_LETTER_TOPICS.items():
            assert topic in topics and dead_letters in topics, (overlay, topic)


def test_the_event_fed_functions_are_wired_as_the_code_declares(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    services = {spec["target"]: name for name, spec in dc.FUNCTIONS.items()}
    for trigger in triggers.TRIGGERS:
        spec = dc.FUNCTIONS[services[trigger.function]]
        fed = ("kafka" if trigger.topic else "") + ("+ping" if trigger.every_s else "")
        assert spec["trigger"] == fed.removeprefix("+"), trigger
        assert spec.get("topic") == trigger.topic, trigger
        assert trigger.every_s in (None, 60), trigger
    for overlay, docs in rendered.items():
        for source in dc.of_kind(docs, "sources.knative.dev/v1", "KafkaSource"):
            target = dc.FUNCTIONS[source["spec"]["sink"]["ref"]["name"]]["target"]
            [trigger] = [t for t in triggers.TRIGGERS if t.function == target]
            ordering = "unordered" if trigger.parallelism > 1 else "ordered"
            assert source["spec"].get("ordering", "ordered") == ordering, (overlay, trigger)


def test_terraform_and_the_manifests_name_the_same_namespace_gateways_and_kafka(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    platform = dc.hcl(dc.TERRAFORM / "modules" / "platform" / "main.tf")["locals"][0]
    taskai = dc.hcl(dc.TERRAFORM / "modules" / "taskai" / "main.tf")["locals"][0]
    local = {k: dc.unquote(v) for k, v in platform.items() if isinstance(v, str)}
    bootstrap = f"{local['kafka_cluster']}-kafka-bootstrap.{local['kafka_namespace']}.svc:9092"
    for overlay, docs in rendered.items():
        namespace = docs[0]["metadata"]["namespace"]
        assert namespace == local["app_namespace"] == dc.unquote(taskai["namespace"]), overlay
        (gateway,) = dc.of_kind(docs, "gateway.networking.k8s.io/v1", "Gateway")
        assert gateway["spec"]["gatewayClassName"] == local["gateway_class"], overlay
        backends = {
            (b.get("namespace"), b["name"])
            for route in dc.of_kind(docs, "gateway.networking.k8s.io/v1", "HTTPRoute")
            for rule in route["spec"]["rules"]
            for b in rule.get("backendRefs", [])
        }
        assert backends == {(local["gateway_namespace"], local["local_gateway"])}, overlay
        for topic in dc.of_kind(docs, "kafka.strimzi.io/v1", "KafkaTopic"):
            assert topic["metadata"]["labels"]["strimzi.io/cluster"] == local["kafka_cluster"], (
                overlay
            )
        for source in dc.of_kind(docs, "sources.knative.dev/v1", "KafkaSource"):
            assert source["spec"]["bootstrapServers"] == [bootstrap], overlay
