"""The rendered LiteLLM config loads with every model the lab should have.

LiteLLM's own validation passes even when it drops a deployment (a ``chatgpt/`` model without
usable credentials is dropped silently), so the models are counted where clients see them.
"""

from __future__ import annotations

import pytest
import yaml

from taxiway_build import plan

from .harness import Gateway, Proxy

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("lab", ["alpha", "bravo", "charlie"])
def test_every_configured_model_is_served(lab: str, gateways: dict[str, Gateway], proxy: Proxy) -> None:
    gateway = gateways[lab]
    config = yaml.safe_load((gateway.config_dir / plan.CONFIG_FILE).read_text())
    configured = sorted(entry["model_name"] for entry in config["model_list"])
    assert configured == sorted(gateway.models) and configured

    resp = proxy.request(gateway.host, "GET", "/v1/models", headers={"x-litellm-api-key": gateway.key})

    assert resp.status == 200, resp.text
    assert sorted(model["id"] for model in resp.json()["data"]) == configured
