"""Routing by Host through the shared Caddy: each lab's name reaches its own LiteLLM, others get the index page.

Requests go to 127.0.0.1:<caddy port> with an explicit ``Host`` header (glibc here does not
resolve ``*.localhost``). Each LiteLLM accepts only its own lab's key (see test_auth), so a
200 with a lab's key proves the request reached that lab's LiteLLM.
"""

from __future__ import annotations

import pytest

from taxiway_build import state

from .gateways import Fakes
from .harness import Gateway, Proxy, claude_headers, messages_body

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("lab", ["alpha", "bravo", "charlie"])
def test_lab_host_reaches_its_own_litellm(lab: str, gateways: dict[str, Gateway], proxy: Proxy) -> None:
    gateway = gateways[lab]

    resp = proxy.request(gateway.host, "GET", "/v1/models", headers={"x-litellm-api-key": gateway.key})

    assert resp.status == 200, resp.text
    assert sorted(m["id"] for m in resp.json()["data"]) == sorted(gateway.models)


def test_port_in_host_header_is_ignored(alpha: Gateway, proxy: Proxy) -> None:
    """Clients put the published port in Host; Docker maps it to another port inside."""
    for host in (f"{alpha.host}:4000", f"{alpha.host}:{proxy.port}"):
        resp = proxy.request(host, "GET", "/v1/models", headers={"x-litellm-api-key": alpha.key})
        assert resp.status == 200, (host, resp.text)


@pytest.mark.parametrize("host", ["not-a-lab.litellm.localhost", "litellm.localhost", "localhost", "127.0.0.1"])
def test_unknown_host_gets_the_index_page(host: str, alpha: Gateway, proxy: Proxy, fakes: Fakes) -> None:
    index = state.load_assets().caddy_index
    before = [len(server.requests) for server in fakes.providers]

    page = proxy.request(host, "GET", "/")
    api = proxy.request(
        host,
        "POST",
        "/v1/messages",
        headers=claude_headers(alpha.key, oauth="sk-ant-oat01-fake"),
        body=messages_body("hello", stream=False),
    )

    for resp in (page, api):
        assert resp.status == 200
        assert resp.headers["content-type"].startswith("text/html")
        assert resp.text.strip() == index.strip()
    assert [len(server.requests) for server in fakes.providers] == before
