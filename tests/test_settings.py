"""Settings from the environment: defaults, overrides, and refusals with plain messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxiway_build.errors import TaxiwayError
from taxiway_build.settings import DEFAULT_IMAGES, Images, Settings, load_settings


def test_defaults(tmp_path):
    s = load_settings({"HOME": str(tmp_path)})
    assert s.home == tmp_path / ".taxiway"
    assert (s.proxy_port, s.proxy_bind) == (4000, "127.0.0.1")
    assert s.images == Images(**DEFAULT_IMAGES)
    assert s.gateway_db == "postgres"
    assert s.chatgpt_api_base is None
    assert s.wait_timeout == 300.0
    assert s.prefix == "taxiway"


def test_default_bind_is_loopback_not_the_lan(tmp_path):
    """The reference published the proxy on all interfaces; we do not, unless asked."""
    assert load_settings({"HOME": str(tmp_path)}).proxy_bind == "127.0.0.1"


def test_overrides(tmp_path):
    env = {
        "TAXIWAY_HOME": str(tmp_path / "h"),
        "TAXIWAY_PROXY_PORT": "14000",
        "TAXIWAY_PROXY_BIND": "0.0.0.0",
        "TAXIWAY_GATEWAY_DB": "none",
        "TAXIWAY_CHATGPT_API_BASE": "http://host.docker.internal:18080",
        "TAXIWAY_WAIT_TIMEOUT": "12.5",
        "TAXIWAY_PROJECT_PREFIX": "taxiway-test",
    }
    s = load_settings(env)
    assert s == Settings(
        home=tmp_path / "h",
        proxy_port=14000,
        proxy_bind="0.0.0.0",
        gateway_db="none",
        chatgpt_api_base="http://host.docker.internal:18080",
        wait_timeout=12.5,
        prefix="taxiway-test",
    )


def test_home_expands_user(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_settings({"TAXIWAY_HOME": "~/elsewhere", "HOME": str(tmp_path)}).home == tmp_path / "elsewhere"


@pytest.mark.parametrize("name", sorted(DEFAULT_IMAGES))
def test_images_override_one_by_one(name, tmp_path):
    s = load_settings({"HOME": str(tmp_path), f"TAXIWAY_{name.upper()}_IMAGE": "registry.invalid/fake:1"})
    for other, default in DEFAULT_IMAGES.items():
        assert getattr(s.images, other) == ("registry.invalid/fake:1" if other == name else default)


def test_default_images_are_pinned():
    for ref in DEFAULT_IMAGES.values():
        assert ":" in ref.rsplit("/", 1)[-1] and not ref.endswith(":latest"), ref


@pytest.mark.parametrize("bind", ["127.0.0.1", "0.0.0.0", "::1", "192.168.1.10"])
def test_good_binds(bind, tmp_path):
    assert load_settings({"HOME": str(tmp_path), "TAXIWAY_PROXY_BIND": bind}).proxy_bind == bind


@pytest.mark.parametrize("port", ["1", "4000", "65535", " 4001 "])
def test_good_ports(port, tmp_path):
    assert load_settings({"HOME": str(tmp_path), "TAXIWAY_PROXY_PORT": port}).proxy_port == int(port)


@pytest.mark.parametrize(
    "name",
    ["TAXIWAY_HOME", "TAXIWAY_PROXY_PORT", "TAXIWAY_PROXY_BIND", "TAXIWAY_GATEWAY_DB", "TAXIWAY_WAIT_TIMEOUT", "TAXIWAY_LITELLM_IMAGE"],
)
def test_empty_means_default(name, tmp_path):
    """``make`` passes ``VAR=$(X)`` with X empty: that must mean the default, not an error."""
    assert load_settings({"HOME": str(tmp_path), name: ""}) == load_settings({"HOME": str(tmp_path)})


BAD = [
    ("TAXIWAY_PROXY_PORT", "abc", "TAXIWAY_PROXY_PORT='abc' is not a port number\n  use an integer from 1 to 65535"),
    ("TAXIWAY_PROXY_PORT", "0", "TAXIWAY_PROXY_PORT=0 is out of range\n  use an integer from 1 to 65535"),
    ("TAXIWAY_PROXY_PORT", "65536", "TAXIWAY_PROXY_PORT=65536 is out of range\n  use an integer from 1 to 65535"),
    ("TAXIWAY_PROXY_PORT", "-1", "TAXIWAY_PROXY_PORT='-1' is not a port number\n  use an integer from 1 to 65535"),
    ("TAXIWAY_PROXY_PORT", "4_000", "TAXIWAY_PROXY_PORT='4_000' is not a port number\n  use an integer from 1 to 65535"),
    ("TAXIWAY_PROXY_PORT", "4000.0", "TAXIWAY_PROXY_PORT='4000.0' is not a port number\n  use an integer from 1 to 65535"),
    ("TAXIWAY_PROXY_PORT", "127.0.0.1:4000", "TAXIWAY_PROXY_PORT='127.0.0.1:4000' is not a port number"),
    ("TAXIWAY_PROXY_BIND", "localhost", "TAXIWAY_PROXY_BIND='localhost' is not an IP address\n  use e.g. 127.0.0.1 (default) or 0.0.0.0"),
    ("TAXIWAY_PROXY_BIND", "127.0.0.1:4000", "TAXIWAY_PROXY_BIND='127.0.0.1:4000' is not an IP address"),
    ("TAXIWAY_PROXY_BIND", "256.0.0.1", "TAXIWAY_PROXY_BIND='256.0.0.1' is not an IP address"),
    ("TAXIWAY_PROXY_BIND", "[::1]", "TAXIWAY_PROXY_BIND='[::1]' is not an IP address"),
    ("TAXIWAY_GATEWAY_DB", "sqlite", "TAXIWAY_GATEWAY_DB='sqlite' is not one of postgres, none"),
    ("TAXIWAY_WAIT_TIMEOUT", "soon", "TAXIWAY_WAIT_TIMEOUT='soon' is not a number of seconds"),
    ("TAXIWAY_WAIT_TIMEOUT", "-5", "TAXIWAY_WAIT_TIMEOUT='-5' is not a positive number of seconds"),
    ("TAXIWAY_WAIT_TIMEOUT", "nan", "TAXIWAY_WAIT_TIMEOUT='nan' is not a positive number of seconds"),
    ("TAXIWAY_PROJECT_PREFIX", "Taxiway", "TAXIWAY_PROJECT_PREFIX='Taxiway' is invalid"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD, ids=[f"{n}={v}" for n, v, _ in BAD])
def test_bad_values_are_refused_with_a_message(name, value, message, tmp_path):
    with pytest.raises(TaxiwayError) as info:
        load_settings({"HOME": str(tmp_path), name: value})
    assert str(info.value).startswith(message)
    assert len(str(info.value).splitlines()) <= 2


def test_settings_read_the_process_environment(home, monkeypatch):
    monkeypatch.setenv("TAXIWAY_PROXY_PORT", "4321")
    s = load_settings()
    assert (s.home, s.proxy_port) == (home, 4321)


def test_state_paths_layout(tmp_path):
    paths = load_settings({"TAXIWAY_HOME": str(tmp_path)}).paths
    assert {p.name for p in (paths.runtime, paths.lab_state, paths.auth, paths.proxy, paths.observability)} == {
        "runtime",
        "lab-state",
        "auth",
        "proxy",
        "observability",
    }
    assert paths.catalog == tmp_path / "runtime/infra/gateway/litellm/models.yaml"
    assert paths.codex_token_dir == tmp_path / "auth/providers/codex/chatgpt_token"
    assert paths.gateway_dir("demo") == tmp_path / "lab-state/demo/gateway"
    assert all(isinstance(p, Path) for p in (paths.runtime, paths.catalog))
