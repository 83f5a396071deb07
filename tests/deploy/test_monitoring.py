"""The alert rules pass promtool, and the dashboard and rules ask only for metrics we export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from support import need

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"
METRIC = re.compile(r"\b(taskai_[a-z0-9_]+)\b")


def exported() -> set[str]:
    """Every series name the code can export (counters' _total, histograms' parts, gauges)."""
    from prometheus_client import REGISTRY

    from taskai.telemetry.metrics import StateCollector, metrics

    metrics()
    names = {
        "taskai_db_pool_connections_in_use",
        "taskai_outbox_pending_events",
        "taskai_outbox_oldest_pending_age_seconds",
    }  # read at scrape time by StateCollector
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}
    for family in REGISTRY.collect():
        for suffix in suffixes.get(family.type, []):
            names.add(family.name + suffix)
    assert StateCollector  # its names are listed above; test_metrics proves it yields them
    return {n for n in names if n.startswith("taskai_")}


def rule_expressions() -> list[str]:
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    return [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]


def test_the_alert_rules_pass_promtool():
    promtool = shutil.which("promtool")
    need("promtool", promtool is not None, "promtool is not installed (Debian: prometheus)")
    assert promtool
    result = subprocess.run(
        [promtool, "check", "rules", str(MONITORING / "alerts.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alerts_cover_errors_latency_outbox_dead_letters_and_reminders():
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    joined = " ".join(rule_expressions())
    for metric in (
        "taskai_http_request_errors_total",
        "taskai_http_request_duration_seconds_bucket",
        "taskai_outbox_oldest_pending_age_seconds",
        'outcome="dead_lettered"',
        "taskai_reminder_lateness_seconds_bucket",
    ):
        assert metric in joined, metric
    for name, rule in alerts.items():
        assert rule["labels"]["severity"] in {"page", "ticket"}, name
        assert rule["annotations"]["summary"], name


@pytest.mark.parametrize("source", ["alerts", "dashboard"])
def test_only_metrics_the_code_exports_are_asked_for(source):
    expressions = rule_expressions() if source == "alerts" else dashboard_expressions()
    wanted = {m for e in expressions for m in METRIC.findall(e)}
    assert wanted, "no taskai metric referenced"
    assert wanted <= exported(), sorted(wanted - exported())


def test_the_dashboard_is_grafana_json_with_a_prometheus_datasource_variable():
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    assert dashboard["uid"] and dashboard["title"] == "TaskAI"
    [variable] = dashboard["templating"]["list"]
    assert (variable["type"], variable["query"]) == ("datasource", "prometheus")
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) >= 10
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}"
        assert panel["targets"] and all(t["refId"] for t in panel["targets"])
