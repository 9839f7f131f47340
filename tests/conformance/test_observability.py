"""Langfuse export: a lab with Langfuse keys exports traces (with the Codex session, tagged with
its lab and agent); one without exports nothing.

The collector is a fake Langfuse OTLP endpoint; exports are decoded with ``opentelemetry-proto``.
The LiteLLMs run with ``OTEL_BSP_SCHEDULE_DELAY=200`` (ms), so a span leaves within a second.
"""

from __future__ import annotations

import base64
import json
import re
import uuid

import pytest

from tests.fakes import spans
from tests.fakes.otlp import TRACES_PATH

from .gateways import LABS, Fakes
from .harness import Gateway, Proxy, claude_headers, codex_headers, messages_body, responses_body

pytestmark = pytest.mark.conformance

#: Long enough for several export rounds at the 0.2 s schedule delay.
QUIET_WINDOW = 3.0


def _basic(langfuse: dict[str, str]) -> str:
    pair = f"{langfuse['LANGFUSE_PUBLIC_KEY']}:{langfuse['LANGFUSE_SECRET_KEY']}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def test_trace_carries_the_lab_keys_and_the_codex_session(bravo: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    session = f"codex-session-{uuid.uuid4()}"
    since = len(fakes.otlp.requests)

    resp = proxy.request(
        bravo.host,
        "POST",
        "/v1/responses",
        headers=codex_headers(bravo.key, session_id=session),
        body=responses_body("hi"),
    )
    assert resp.status == 200, resp.text

    exports = fakes.otlp.wait_for(
        lambda r: any(s.attributes.get("session.id") == session for s in spans(r)), timeout=30, since=since
    )
    seen = [(s.name, s.attributes.get("session.id")) for r in fakes.otlp.requests[since:] for s in spans(r)]
    assert exports, f"no exported span has session.id={session}; spans exported since the call: {seen}"
    export = exports[0]
    assert export.path == TRACES_PATH
    assert export.headers["authorization"] == _basic(bravo.langfuse)
    for spec in LABS:
        assert spec.key.encode() not in export.body
    # The lab_tags callback: the lab (TAXIWAY_LAB) and the agent (x-litellm-agent-id) as trace tags.
    (root,) = [s for s in spans(export) if s.attributes.get("session.id") == session and s.name == "litellm_request"]
    tags = root.attributes.get("langfuse.trace.tags")
    tags = json.loads(tags) if isinstance(tags, str) else tags
    assert "lab:bravo" in tags and "agent:codex" in tags, root.attributes


def test_a_claude_code_trace_is_tagged_with_its_lab(delta: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    """/v1/messages keeps its metadata elsewhere (``litellm_metadata``): the lab tag still lands."""
    since = len(fakes.otlp.requests)
    resp = proxy.request(
        delta.host, "POST", "/v1/messages", body=messages_body("hi", stream=True),
        headers=claude_headers(delta.key, oauth="sk-ant-oat01-fake"),
    )
    assert resp.status == 200, resp.text
    auth = _basic(delta.langfuse)
    exports = fakes.otlp.wait_for(
        lambda r: r.headers.get("authorization") == auth and any(s.name == "litellm_request" for s in spans(r)),
        timeout=30, since=since,
    )
    assert exports, "delta exported no litellm_request span"
    roots = [s for r in exports for s in spans(r) if s.name == "litellm_request"]
    tags = roots[0].attributes.get("langfuse.trace.tags")
    tags = json.loads(tags) if isinstance(tags, str) else tags
    assert "lab:delta" in tags, roots[0].attributes
    # Claude Code sends no x-litellm-agent-id, so no agent tag.
    assert not [t for t in tags if t.startswith("agent:")]


@pytest.mark.parametrize("lab", ["alpha", "charlie"])
def test_without_langfuse_keys_nothing_is_exported_and_nothing_fails(
    lab: str, gateways: dict[str, Gateway], proxy: Proxy, fakes: Fakes
) -> None:
    gateway = gateways[lab]
    assert gateway.langfuse is None and not any(name.startswith("LANGFUSE") for name in gateway.env)
    exporters = {_basic(g.langfuse) for g in gateways.values() if g.langfuse}
    since = len(fakes.otlp.requests)
    log_start = len(gateway.process.log_text())

    if gateway.agent == "codex":
        resp = proxy.request(
            gateway.host,
            "POST",
            "/v1/responses",
            body=responses_body("hi"),
            headers=codex_headers(gateway.key, session_id=f"quiet-{uuid.uuid4()}"),
        )
    else:
        resp = proxy.request(
            gateway.host,
            "POST",
            "/v1/messages",
            body=messages_body("hi", stream=True),
            headers=claude_headers(gateway.key, oauth="sk-ant-oat01-fake"),
        )
    assert resp.status == 200, resp.text

    foreign = fakes.otlp.wait_for(
        lambda r: r.headers.get("authorization") not in exporters, timeout=QUIET_WINDOW, since=since
    )
    assert foreign == []
    log = gateway.process.log_text()[log_start:]
    assert "Traceback" not in log
    assert not re.search(r"\bERROR\b|Exception", log), log
    assert "litellm_request" not in log  # no spans printed by a console exporter either
