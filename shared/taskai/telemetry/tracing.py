"""OpenTelemetry traces: HTTP request → outbox row → CloudEvent on Kafka → event function.

Only the API (cheap) is imported by default. The SDK and the OTLP exporter are loaded once, and
only when the standard variables ask for them (OTEL_EXPORTER_OTLP_ENDPOINT,
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER=otlp); otherwise spans are the API's
non-recording ones, which still carry the incoming trace context along: a `traceparent` that
came in goes out on every event the request caused.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

TRACER = "taskai"
_configured = threading.Lock()
_done = False


def wanted(environ: Mapping[str, str]) -> bool:
    """True when the OTEL_* variables ask for exported traces."""
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").lower()
    if exporter == "none":
        return False
    endpoints = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    return exporter == "otlp" or any(environ.get(name) for name in endpoints)


def configure() -> None:
    """Install the SDK with a batching OTLP/HTTP exporter, once, if the environment asks."""
    global _done
    if _done:
        return
    with _configured:
        if _done:
            return
        _done = True
        if not wanted(os.environ):
            return
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        service = os.environ.get("OTEL_SERVICE_NAME") or os.environ.get("FUNCTION_TARGET")
        resource = Resource.create({"service.name": service or "taskai"})
        provider = TracerProvider(resource=resource)  # sampler: OTEL_TRACES_SAMPLER
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)


def extract(carrier: Mapping[str, Any]) -> Any:
    """The context a W3C `traceparent` (and `tracestate`) in `carrier` continues."""
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    headers = {k: str(v) for k, v in carrier.items() if k in ("traceparent", "tracestate") and v}
    return TraceContextTextMapPropagator().extract(headers)


def current_headers() -> dict[str, str]:
    """`traceparent` (and `tracestate`) of the current span; empty when there is none."""
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier


@contextmanager
def span(
    name: str,
    *,
    kind: str = "INTERNAL",
    parent: Mapping[str, Any] | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[Any]:
    """A span made current for the block; with `parent` (a carrier of `traceparent`), a child
    of that remote span instead of the current one. Errors are recorded on it."""
    configure()
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind

    context = extract(parent) if parent is not None else None
    tracer = trace.get_tracer(TRACER)
    with tracer.start_as_current_span(
        name, context=context, kind=SpanKind[kind], attributes=dict(attributes or {})
    ) as current:
        yield current


def trace_id_of(current: Any) -> str | None:
    """The hex trace id of a span, for the log lines (None when it has no valid context)."""
    context = current.get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
