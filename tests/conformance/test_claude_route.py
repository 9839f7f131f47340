"""The Claude Code route: ``/v1/messages`` to Anthropic with the user's own credential.

The lab key travels in ``x-litellm-api-key``; the user's Claude login (OAuth ``Authorization``)
or API key (``x-api-key``) must reach Anthropic, and the lab key must not.
"""

from __future__ import annotations

import uuid

import pytest

from tests.fakes import Recorded
from tests.fakes.anthropic import REJECTED_TOKEN, REPLY

from .gateways import LABS, Fakes
from .harness import CLAUDE_BETAS, Gateway, Proxy, claude_headers, codex_headers, messages_body, responses_body

pytestmark = pytest.mark.conformance


def _reached(fakes: Fakes, nonce: str) -> Recorded:
    found = [r for r in fakes.anthropic.requests if nonce.encode() in r.body]
    assert len(found) == 1, f"expected one upstream request carrying {nonce}, got {len(found)}"
    return found[0]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_client_oauth_and_betas_reach_anthropic(stream: bool, alpha: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    nonce = uuid.uuid4().hex
    oauth = f"sk-ant-oat01-fake-{nonce[:8]}"

    resp = proxy.request(
        alpha.host,
        "POST",
        "/v1/messages?beta=true",
        headers=claude_headers(alpha.key, oauth=oauth),
        body=messages_body(nonce, stream=stream),
    )

    assert resp.status == 200, resp.text
    if stream:
        assert resp.headers["content-type"].startswith("text/event-stream")
        events = resp.events()
        assert [name for name, _ in events][0] == "message_start" and events[-1][0] == "message_stop"
        assert any(REPLY in data for name, data in events if name == "content_block_delta")
    else:
        assert resp.json()["content"][0]["text"] == REPLY
    upstream = _reached(fakes, nonce)
    assert (upstream.method, upstream.path) == ("POST", "/v1/messages")
    assert upstream.headers["authorization"] == f"Bearer {oauth}"
    assert set(CLAUDE_BETAS) <= set(upstream.headers["anthropic-beta"].split(","))
    assert "x-litellm-api-key" not in upstream.headers
    assert "x-api-key" not in upstream.headers


def test_api_key_user_has_its_x_api_key_forwarded(alpha: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    nonce = uuid.uuid4().hex
    api_key = f"sk-ant-api03-fake-{nonce[:8]}"

    resp = proxy.request(
        alpha.host,
        "POST",
        "/v1/messages",
        headers=claude_headers(alpha.key, api_key=api_key),
        body=messages_body(nonce, stream=False),
    )

    assert resp.status == 200, resp.text
    upstream = _reached(fakes, nonce)
    assert upstream.headers["x-api-key"] == api_key
    assert "authorization" not in upstream.headers


@pytest.mark.parametrize("credential", ["none", "revoked"])
def test_one_clients_401_does_not_cool_down_the_model(credential: str, alpha: Gateway, proxy: Proxy) -> None:
    """A user without a Claude login (LiteLLM's own 401) or with a revoked one (Anthropic's 401),
    three times in a row, must not put the shared deployment in cooldown for the next user."""
    bad = claude_headers(alpha.key, oauth=REJECTED_TOKEN if credential == "revoked" else None)
    for _ in range(3):
        refused = proxy.request(alpha.host, "POST", "/v1/messages", headers=bad, body=messages_body("hi", stream=False))
        assert refused.status == 401, refused.text

    good = proxy.request(
        alpha.host,
        "POST",
        "/v1/messages",
        headers=claude_headers(alpha.key, oauth="sk-ant-oat01-fake"),
        body=messages_body("hi", stream=False),
    )

    assert good.status == 200, good.text


def test_lab_keys_never_reach_a_provider(gateways: dict[str, Gateway], proxy: Proxy, fakes: Fakes) -> None:
    """Every request every fake recorded in this session, this test's traffic included."""
    alpha = gateways["alpha"]
    for stream in (False, True):
        for creds in ({"oauth": "sk-ant-oat01-fake"}, {"api_key": "sk-ant-api03-fake"}):
            resp = proxy.request(
                alpha.host,
                "POST",
                "/v1/messages",
                headers=claude_headers(alpha.key, **creds),
                body=messages_body("hi", stream=stream),
            )
            assert resp.status == 200, resp.text
    for lab in ("bravo", "charlie"):
        gateway = gateways[lab]
        for stream in (False, True):
            resp = proxy.request(
                gateway.host,
                "POST",
                "/v1/responses",
                headers=codex_headers(gateway.key, session_id="s-2"),
                body=responses_body("hi", stream=stream),
            )
            assert resp.status == 200, resp.text

    recorded = [r for server in (*fakes.providers, fakes.otlp) for r in server.requests]
    assert fakes.anthropic.requests and fakes.chatgpt.requests
    for spec in LABS:
        for r in recorded:
            assert spec.key not in r.body.decode("utf-8", "replace"), (
                f"{spec.name}'s key in the body of {r.method} {r.path}"
            )
            leaked = [name for name, value in r.header_items if spec.key in value]
            assert not leaked, f"{spec.name}'s key in headers {leaked} of {r.method} {r.path}"
