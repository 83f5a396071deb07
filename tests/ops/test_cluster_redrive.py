"""`taskai cluster redrive`: the cluster side of a DLQ replay, against the API stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cluster_objects
import pytest
from kube_standin import SERVED, KubeStandin, Run

from taskai import bootstrap
from taskai.redrive import RedriveResult


def test_a_dry_run_finds_the_bootstrap_in_the_kafka_status_and_the_sink_in_the_service_address(
    healthy: KubeStandin, taskai: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = taskai(healthy, "redrive", "--topic", "task-events.dlq", "--dry-run")
    assert code == 0
    assert out == (
        "would replay task-events.dlq (from the beginning) from Kafka taskai at "
        f"{cluster_objects.BOOTSTRAP} to http://recurrence.taskai.svc.cluster.local "
        "(KafkaSource recurrence, topic task-events)\n"
    )


def test_the_reminders_dlq_goes_back_to_the_notifications_function_as_json(
    healthy: KubeStandin, taskai: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = taskai(
        healthy,
        "redrive",
        "--topic",
        "reminders.dlq",
        "--dry-run",
        "--output",
        "json",
        "--since",
        "2026-01-12T08:00:00",
    )
    assert code == 0
    assert json.loads(out) == {
        "topic": "reminders.dlq",
        "source_topic": "reminders",
        "source": "notifications",
        "sink_url": "http://notifications.taskai.svc.cluster.local",
        "bootstrap_servers": cluster_objects.BOOTSTRAP,
        "kafka_cluster": "taskai",
        "since": "2026-01-12T08:00:00+00:00",
        "dry_run": True,
    }


def test_the_replay_calls_redrive_with_what_the_cluster_resolved(
    healthy: KubeStandin, taskai: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []

    def replay(**kwargs: Any) -> RedriveResult:
        calls.append(kwargs)
        return RedriveResult(topic=kwargs["topic"], sink_url=kwargs["sink_url"], dry_run=False)

    monkeypatch.setattr("taskai.redrive.redrive", replay)
    monkeypatch.setenv("EVENTS_TOKEN", "a-shared-secret-of-the-event-functions-0123")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    code, _, _ = taskai(
        healthy, "redrive", "--topic", "task-events.dlq", "--since", "2026-01-12T08:00:00Z"
    )
    assert code == 0
    assert calls == [
        {
            "bootstrap_servers": cluster_objects.BOOTSTRAP,
            "topic": "task-events.dlq",
            "sink_url": "http://recurrence.taskai.svc.cluster.local",
            "since": datetime(2026, 1, 12, 8, tzinfo=UTC),
            "dry_run": False,
            "credential": {"Authorization": "Bearer a-shared-secret-of-the-event-functions-0123"},
        }
    ]


def test_a_replay_without_the_shared_event_secret_exits_2_saying_so(
    healthy: KubeStandin, taskai: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EVENTS_TOKEN", raising=False)
    bootstrap.reset()
    code, _, err = taskai(healthy, "redrive", "--topic", "task-events.dlq")
    assert code == 2 and "set EVENTS_TOKEN" in err


def test_a_dlq_whose_function_cannot_be_found_exits_1(broken: KubeStandin, taskai: Run) -> None:
    code, _, err = taskai(broken, "redrive", "--topic", "reminders.dlq", "--dry-run")
    assert code == 1 and "the sink Service notification does not exist" in err


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("task-events", "is not a dead-letter topic"),
        ("orders.dlq", "no KafkaSource  reads orders"),
    ],
)
def test_a_topic_that_is_no_known_dlq_exits_2(
    topic: str, message: str, healthy: KubeStandin, taskai: Run
) -> None:
    code, _, err = taskai(healthy, "redrive", "--topic", topic, "--dry-run")
    assert code == 2 and message in err


def test_overrides_replace_the_addresses_the_cluster_gives(
    healthy: KubeStandin, taskai: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = taskai(
        healthy,
        "redrive",
        "--topic",
        "task-events.dlq",
        "--dry-run",
        "--output",
        "json",
        "--bootstrap-servers",
        "127.0.0.1:39092",
        "--sink",
        "http://127.0.0.1:8081",
    )
    plan = json.loads(out)
    assert code == 0
    assert (plan["bootstrap_servers"], plan["sink_url"]) == (
        "127.0.0.1:39092",
        "http://127.0.0.1:8081",
    )


def test_an_older_strimzi_that_serves_only_v1beta2_still_gives_the_bootstrap(
    taskai: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = SERVED | {
        ("kafka.strimzi.io", "kafkas"): ("Kafka", ("v1beta2",)),
        ("kafka.strimzi.io", "kafkatopics"): ("KafkaTopic", ("v1beta2",)),
    }
    with KubeStandin(cluster_objects.healthy(), served=served) as standin:
        code, out, _ = taskai(standin, "redrive", "--topic", "task-events.dlq", "--dry-run")
    assert code == 0 and cluster_objects.BOOTSTRAP in out
    assert "/apis/kafka.strimzi.io/v1beta2/kafkas" in standin.requests
