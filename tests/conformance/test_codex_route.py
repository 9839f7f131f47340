"""The Codex route: ``/v1/responses`` through LiteLLM's ``chatgpt/`` provider.

LiteLLM authenticates to the (fake) ChatGPT backend with the file ``credentials.codex`` wrote
from a Codex login; the client sends only the lab key.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.fakes.chatgpt import ACCOUNT_ID, API_BASE_PATH, REPLY

from .gateways import Fakes, WrittenFile
from .harness import Gateway, Proxy, codex_headers, responses_body

pytestmark = pytest.mark.conformance


def test_responses_stream_through_the_chatgpt_provider(
    bravo: Gateway, proxy: Proxy, fakes: Fakes, codex_login_file: Path
) -> None:
    nonce = uuid.uuid4().hex

    resp = proxy.request(
        bravo.host,
        "POST",
        "/v1/responses",
        headers=codex_headers(bravo.key, session_id=nonce),
        body=responses_body(nonce, stream=True),
    )

    assert resp.status == 200, resp.text
    assert resp.headers["content-type"].startswith("text/event-stream")
    # LiteLLM re-sends the stream as data lines only (no event names), ending with [DONE].
    events = [json.loads(data) for _, data in resp.events() if data != "[DONE]"]
    assert events[0]["type"] == "response.created" and events[-1]["type"] == "response.completed"
    assert "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta") == REPLY
    [upstream] = [r for r in fakes.chatgpt.requests if nonce.encode() in r.body]
    assert (upstream.method, upstream.path) == ("POST", f"{API_BASE_PATH}/responses")
    host_login = json.loads(codex_login_file.read_text())["tokens"]
    assert upstream.headers["authorization"] == f"Bearer {host_login['access_token']}"
    assert upstream.headers["chatgpt-account-id"] == ACCOUNT_ID
    assert "x-litellm-api-key" not in upstream.headers


def test_litellm_uses_the_converted_credentials_without_rewriting_them(
    bravo: Gateway, charlie: Gateway, proxy: Proxy, codex_credentials: WrittenFile
) -> None:
    """Every codex lab mounts the same file; LiteLLM rewrites it in place when ``expires_at`` or
    ``account_id`` is missing, so ``credentials.codex`` writes both and no LiteLLM rewrites it."""
    for gateway in (bravo, charlie):
        resp = proxy.request(
            gateway.host,
            "POST",
            "/v1/responses",
            headers=codex_headers(gateway.key, session_id="s-3"),
            body=responses_body("hi"),
        )
        assert resp.status == 200, resp.text

    now = codex_credentials.path.stat()
    assert (now.st_ino, now.st_mtime_ns) == (codex_credentials.inode, codex_credentials.mtime_ns)
    assert codex_credentials.path.read_bytes() == codex_credentials.data
