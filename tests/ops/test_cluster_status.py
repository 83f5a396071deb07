"""`taskai cluster status` against the Kubernetes API stand-in."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import cluster_objects
from kube_standin import SERVED, KubeStandin, Run


def row(out: str, first: str, *columns: str) -> bool:
    """Whether a table line starts with `first` and shows each of `columns` in order."""
    for line in out.splitlines():
        cells = line.split()
        if cells and cells[0] == first and " ".join(columns) in " ".join(cells):
            return True
    return False


def test_a_healthy_cluster_shows_every_function_source_and_topic_ready_and_exits_0(
    healthy: KubeStandin, taskai: Run
) -> None:
    code, out, _ = taskai(healthy, "status")
    assert code == 0, out
    for function in ("auth", "tasks", "tags", "ai", "recurrence", "notifications", "reminders"):
        assert row(out, function, "True", f"{function}-00001", f"{function}-00001=100%"), out
    assert row(out, "KafkaSource", "recurrence", "True", cluster_objects.url("recurrence"))
    assert row(out, "PingSource", "reminders", "True", cluster_objects.url("reminders"))
    assert row(out, "task-events.dlq", "True")
    assert out.rstrip().endswith("All ready.")


def test_functions_without_traffic_show_as_scaled_to_zero_and_busy_ones_with_their_pods(
    healthy: KubeStandin, taskai: Run
) -> None:
    _, out, _ = taskai(healthy, "status")
    assert row(out, "tasks", "2/2", "active"), out
    assert row(out, "recurrence", "0/0", "scaled to zero"), out


def test_a_failed_rollout_is_not_ready_keeps_traffic_on_the_last_good_revision_and_exits_1(
    broken: KubeStandin, taskai: Run
) -> None:
    code, out, _ = taskai(broken, "status")
    assert code == 1
    assert row(out, "ai", "False", "ai-00001 (latest ai-00002)", "ai-00001=100%"), out
    assert 'Service ai: False RevisionFailed: Revision "ai-00002" failed' in out


def test_a_source_whose_sink_does_not_exist_shows_no_sink_and_why(
    broken: KubeStandin, taskai: Run
) -> None:
    _, out, _ = taskai(broken, "status")
    assert row(out, "KafkaSource", "notifications", "False", "-", "reminders"), out
    assert (
        "KafkaSource notifications: False NotFound: failed to get object taskai/notification" in out
    )


def test_json_output_gives_scripts_the_same_report(broken: KubeStandin, taskai: Run) -> None:
    code, out, _ = taskai(broken, "status", "--output", "json")
    report = json.loads(out)
    assert code == 1 and report["ready"] is False
    ai = next(s for s in report["services"] if s["name"] == "ai")
    assert ai["ready"] == {
        "status": "False",
        "reason": "RevisionFailed",
        "message": 'Revision "ai-00002" failed with message: '
        'Back-off pulling image "ghcr.io/acme/taskai:0.2.0".',
    }
    assert ai["latest_created_revision"] == "ai-00002"
    assert ai["traffic"] == [{"revision": "ai-00001", "percent": 100}]
    tasks = next(s for s in report["services"] if s["name"] == "tasks")
    assert (tasks["current_scale"], tasks["desired_scale"], tasks["scale_to_zero"]) == (
        2,
        2,
        "active",
    )
    source = next(s for s in report["sources"] if s["name"] == "notifications")
    assert source["sink"] is None and source["ready"]["reason"] == "NotFound"
    assert {t["name"] for t in report["topics"]} >= {"task-events", "reminders.dlq"}
    assert len(report["problems"]) == 2


def test_a_change_the_controller_has_not_reconciled_yet_is_not_ready(taskai: Run) -> None:
    objects = cluster_objects.healthy()
    next(o for o in objects if o["kind"] == "PingSource")["metadata"]["generation"] = 3
    with KubeStandin(objects) as standin:
        code, out, _ = taskai(standin, "status")
    assert code == 1 and "NotObserved: generation 3 not yet reconciled" in out


def test_a_cluster_without_the_kafka_source_says_so_and_exits_1(taskai: Run) -> None:
    served = {k: v for k, v in SERVED.items() if k[1] != "kafkasources"}
    with KubeStandin(cluster_objects.healthy(), served=served) as standin:
        code, out, _ = taskai(standin, "status")
    assert code == 1 and "not served: kafkasources.sources.knative.dev" in out


def test_the_cli_asks_the_served_versions_of_each_api(healthy: KubeStandin, taskai: Run) -> None:
    taskai(healthy, "status")
    assert set(healthy.requests) == {
        "/apis/serving.knative.dev/v1/namespaces/taskai/services",
        "/apis/serving.knative.dev/v1/namespaces/taskai/revisions",
        "/apis/sources.knative.dev/v1/namespaces/taskai/kafkasources",
        "/apis/sources.knative.dev/v1/namespaces/taskai/pingsources",
        "/apis/kafka.strimzi.io/v1/namespaces/taskai/kafkatopics",
    }


def test_an_unreachable_api_exits_2_and_says_so(tmp_path: Path, taskai: Run) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    standin = KubeStandin([])
    standin.server.server_close()
    config = (
        standin.kubeconfig(tmp_path / "down")
        .read_text()
        .replace(standin.url, f"http://127.0.0.1:{port}")
    )
    (tmp_path / "down").write_text(config)
    code, _, err = taskai(None, "status", "--kubeconfig", str(tmp_path / "down"), "--timeout", "2")
    assert code == 2 and "unreachable" in err


def test_refused_credentials_exit_2(healthy: KubeStandin, tmp_path: Path, taskai: Run) -> None:
    config = healthy.kubeconfig(tmp_path / "wrong", token="expired")
    code, out, err = taskai(None, "status", "--kubeconfig", str(config), "--output", "json")
    assert code == 2 and "401" in err and json.loads(out)["exit_code"] == 2


def test_a_missing_kubeconfig_exits_2(tmp_path: Path, taskai: Run) -> None:
    code, _, err = taskai(None, "status", "--kubeconfig", str(tmp_path / "none"))
    assert code == 2 and "kubeconfig" in err


def test_the_kubernetes_client_is_loaded_only_by_the_cluster_command() -> None:
    probe = "import sys, taskai.cli, taskai.ops.cluster; print('kubernetes' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
