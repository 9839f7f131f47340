"""Fake Langfuse OTLP/HTTP trace collector (``LANGFUSE_OTEL_HOST`` = its URL).

Takes ``POST …/v1/traces`` (protobuf) and answers an empty ``ExportTraceServiceResponse``;
``GET /api/public/health`` answers as Langfuse's does, so it can stand in for ``langfuse-web``.
:func:`spans` decodes a recorded export with ``opentelemetry-proto``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .base import Recorded, RecordingHandler, RecordingServer

TRACES_PATH = "/api/public/otel/v1/traces"


HEALTH_PATH = "/api/public/health"


class OtlpHandler(RecordingHandler):
    def respond(self, body: bytes) -> None:
        if self.command == "GET" and self.route == HEALTH_PATH:
            return self.send_json({"status": "OK", "version": "fake"})
        if self.command != "POST" or not self.route.endswith("/v1/traces"):
            return super().respond(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()


@dataclass(frozen=True)
class Span:
    name: str
    trace_id: str
    attributes: dict[str, Any]


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in any_value.kvlist_value.values}
    return getattr(any_value, kind) if kind else None


def spans(request: Recorded) -> list[Span]:
    """Every span in one recorded OTLP/HTTP protobuf export."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    export = ExportTraceServiceRequest()
    export.ParseFromString(request.body)
    return [
        Span(span.name, span.trace_id.hex(), {kv.key: _value(kv.value) for kv in span.attributes})
        for resource in export.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]


def fake_otlp_collector(port: int = 0, **kwargs: object) -> RecordingServer:
    return RecordingServer(OtlpHandler, port, **kwargs)
