"""Gateway auth: the lab key is the LiteLLM master key of that lab only.

Without a database (its Prisma engines cannot be fetched here) LiteLLM looks an unknown key
up as a virtual key and refuses it with 400 ``No connected db.``; with the lab's Postgres it is
a 401. Either way it is refused before any provider is called, which is what is asserted.
"""

from __future__ import annotations

import pytest

from .gateways import Fakes
from .harness import Gateway, Proxy, claude_headers, codex_headers, messages_body, responses_body

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("form", ["{key}", "Bearer {key}"], ids=["bare", "bearer"])
@pytest.mark.parametrize("lab", ["alpha", "bravo"])
def test_lab_key_in_x_litellm_api_key(lab: str, form: str, gateways: dict[str, Gateway], proxy: Proxy) -> None:
    gateway = gateways[lab]

    resp = proxy.request(gateway.host, "GET", "/v1/models", headers={"x-litellm-api-key": form.format(key=gateway.key)})

    assert resp.status == 200, resp.text


def test_another_labs_key_is_refused(alpha: Gateway, bravo: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    before = [len(server.requests) for server in fakes.providers]

    at_alpha = proxy.request(
        alpha.host,
        "POST",
        "/v1/messages",
        headers=claude_headers(bravo.key, oauth="sk-ant-oat01-fake"),
        body=messages_body("hello", stream=False),
    )
    at_bravo = proxy.request(
        bravo.host,
        "POST",
        "/v1/responses",
        headers=codex_headers(alpha.key, session_id="s-1"),
        body=responses_body("hello"),
    )

    for resp in (at_alpha, at_bravo):
        assert resp.status in (400, 401), resp.text
        assert resp.json()["error"]["type"] in ("no_db_connection", "auth_error"), resp.text
    assert [len(server.requests) for server in fakes.providers] == before


def test_no_key_is_401(alpha: Gateway, bravo: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    before = [len(server.requests) for server in fakes.providers]

    at_alpha = proxy.request(
        alpha.host, "POST", "/v1/messages", headers=claude_headers(None), body=messages_body("hello", stream=False)
    )
    at_bravo = proxy.request(bravo.host, "POST", "/v1/responses", body=responses_body("hello"))

    for resp in (at_alpha, at_bravo):
        assert resp.status == 401, resp.text
        assert "No api key passed in" in resp.text
    assert [len(server.requests) for server in fakes.providers] == before
