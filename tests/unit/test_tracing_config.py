"""Traces are exported only when the standard OTEL_* variables ask for it."""

from __future__ import annotations

import subprocess
import sys

from taskai.telemetry.tracing import wanted


def test_nothing_set_means_no_exporter():
    assert not wanted({})


def test_an_otlp_endpoint_or_exporter_asks_for_traces():
    assert wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert wanted({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"})
    assert wanted({"OTEL_TRACES_EXPORTER": "otlp"})


def test_the_sdk_can_be_switched_off_even_with_an_endpoint():
    endpoint = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}
    assert not wanted({**endpoint, "OTEL_SDK_DISABLED": "true"})
    assert not wanted({**endpoint, "OTEL_TRACES_EXPORTER": "none"})


def test_a_request_without_otel_variables_never_loads_the_sdk():
    script = (
        "import sys\n"
        "from taskai.telemetry import tracing\n"
        "with tracing.span('x'):\n"
        "    pass\n"
        "assert not any(m.startswith('opentelemetry.sdk') for m in sys.modules), 'sdk loaded'\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
