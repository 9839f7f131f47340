"""`invoke gateway` and friends against a real engine: routing, idempotence, recovery, teardown."""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path

import pytest

from tests.docker.conftest import Installation, docker, free_port, remove_everything

pytestmark = pytest.mark.docker

OAUTH = "sk-ant-oat01-fake-docker-tier-0000"


def request(inst: Installation, lab: str, method: str = "GET", path: str = "/health/liveliness",
            body: dict | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=60)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Host": f"{lab}.litellm.localhost:{inst.port}", "content-type": "application/json",
                              **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def messages(inst: Installation, lab: str, key: str) -> tuple[int, str]:
    return request(
        inst, lab, "POST", "/v1/messages",
        body={"model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]},
        headers={"x-litellm-api-key": f"Bearer {key}", "Authorization": f"Bearer {OAUTH}",
                 "anthropic-version": "2023-06-01", "anthropic-beta": "oauth-2025-04-20"},
    )


def recorded(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def ids(inst: Installation) -> dict[str, str | None]:
    return {
        "proxy": inst.container_id(None, "caddy"),
        "alpha": inst.container_id("alpha", "litellm"),
        "beta": inst.container_id("beta", "litellm"),
    }


def test_concurrent_gateways_both_route(two_labs: Installation) -> None:
    for lab in ("alpha", "beta"):
        assert request(two_labs, lab) == (200, '"I\'m alive!"')
    caddyfile = (two_labs.home / "proxy" / "Caddyfile").read_text()
    assert "alpha.litellm.localhost" in caddyfile and "beta.litellm.localhost" in caddyfile


def test_traffic_reaches_the_right_labs_provider(two_labs: Installation, fake_provider: dict[str, Path]) -> None:
    status, body = messages(two_labs, "alpha", two_labs.key("alpha"))
    assert status == 200, body
    assert "trace-ok" in body
    alpha = [r for r in recorded(fake_provider["alpha"]) if r["path"].startswith("/v1/messages")]
    assert len(alpha) == 1
    headers = {name.lower(): value for name, value in alpha[0]["headers"]}
    assert headers["authorization"] == f"Bearer {OAUTH}"
    assert two_labs.key("alpha") not in json.dumps(alpha)
    assert not [r for r in recorded(fake_provider["beta"]) if r["path"].startswith("/v1/messages")]


def test_a_labs_key_is_refused_by_another_lab(two_labs: Installation, fake_provider: dict[str, Path]) -> None:
    status, _ = messages(two_labs, "beta", two_labs.key("alpha"))
    assert status in (400, 401)
    assert not [r for r in recorded(fake_provider["beta"]) if r["path"].startswith("/v1/messages")]


def test_noop_refresh_recreates_nothing(two_labs: Installation) -> None:
    before = ids(two_labs)
    result = two_labs.invoke("gateway", "--lab=alpha")
    assert "gateway unchanged" in result.stdout
    assert ids(two_labs) == before


def test_catalog_change_recreates_only_that_labs_litellm(two_labs: Installation) -> None:
    catalog = two_labs.home / "runtime" / "infra" / "gateway" / "litellm" / "models.yaml"
    original = catalog.read_text()
    before = ids(two_labs)
    catalog.write_text(original + "  - name: claude-haiku-4-5-20251001\n    provider: anthropic\n    upstream: claude-haiku-4-5-20251001\n")
    try:
        result = two_labs.invoke("gateway", "--lab=alpha", "--no-wait")
        assert f"started {two_labs.container('alpha', 'litellm')}" in result.stdout
        after = ids(two_labs)
        assert after["alpha"] != before["alpha"]
        assert after["proxy"] == before["proxy"]
        assert after["beta"] == before["beta"]
    finally:
        catalog.write_text(original)
        two_labs.invoke("gateway", "--lab=alpha")


def test_removed_proxy_comes_back_with_every_route(two_labs: Installation) -> None:
    docker("rm", "-f", two_labs.container(None, "caddy"))
    result = two_labs.invoke("gateway", "--lab=alpha")
    assert "proxy joined" in result.stdout
    for lab in ("alpha", "beta"):
        assert request(two_labs, lab)[0] == 200


def test_unknown_host_gets_the_index_page(two_labs: Installation) -> None:
    status, body = request(two_labs, "nobody")
    assert status == 200
    assert "Taxiway proxy" in body


def test_dry_run_runs_and_writes_nothing(two_labs: Installation) -> None:
    def tree() -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in sorted(two_labs.home.rglob("*")) if p.is_file()}

    before_files, before_ids = tree(), ids(two_labs)
    two_labs.invoke("lab.create", "--lab=gamma", "--agent=claude-code")
    before_files = tree()
    result = two_labs.invoke("gateway", "--lab=gamma", "--dry-run")
    assert "[dry-run] docker compose" in result.stdout
    assert tree() == before_files
    assert ids(two_labs) == before_ids
    assert two_labs.container_id("gamma", "litellm") is None
    two_labs.invoke("lab.rm", "--lab=gamma")


def test_status_and_access_against_real_containers(two_labs: Installation) -> None:
    status = json.loads(two_labs.invoke("status", "--json").stdout)
    assert status["docker"]["available"] is True
    assert status["proxy"]["status"] == "running"
    labs = {lab["lab"]: lab for lab in status["labs"]}
    assert labs["alpha"]["gateway"] == "running"
    assert labs["alpha"]["services"] == {"litellm": "running"}
    access = json.loads(two_labs.invoke("access", "--json").stdout)
    entry = {lab["lab"]: lab for lab in access["labs"]}["alpha"]
    assert entry["api"] == f"http://alpha.litellm.localhost:{two_labs.port}/v1"
    assert entry["ui"].endswith("/ui/login") and entry["username"] == "admin"
    assert entry["key"] == two_labs.key("alpha")


def test_busy_port_is_a_clear_error(installation: Installation, tmp_path: Path) -> None:
    prefix = f"{installation.prefix}-busy"
    env = {"TAXIWAY_HOME": str(tmp_path / "home"), "TAXIWAY_PROJECT_PREFIX": prefix}
    installation.invoke("lab.create", "--lab=alpha", "--agent=claude-code", **env)
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            env["TAXIWAY_PROXY_PORT"] = str(sock.getsockname()[1])
            result = installation.invoke("gateway", "--lab=alpha", "--no-wait", check=False, **env)
        assert result.returncode == 1
        assert f"port {env['TAXIWAY_PROXY_PORT']} on 127.0.0.1 is busy" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        remove_everything(prefix)


def test_down_keeps_state_and_route_then_rm_removes_only_that_lab(two_labs: Installation) -> None:
    two_labs.invoke("lab.create", "--lab=delta", "--agent=claude-code")
    two_labs.invoke("gateway", "--lab=delta")
    two_labs.invoke("gateway.down", "--lab=delta")
    assert docker("inspect", "--format", "{{.State.Running}}", two_labs.container("delta", "litellm")).stdout.strip() == "false"
    assert (two_labs.home / "lab-state" / "delta" / "gateway" / "env").is_file()
    assert "delta.litellm.localhost" in (two_labs.home / "proxy" / "Caddyfile").read_text()
    assert request(two_labs, "delta")[0] == 502
    two_labs.invoke("lab.rm", "--lab=delta")
    assert two_labs.container_id("delta", "litellm") is None
    assert docker("network", "inspect", f"{two_labs.prefix}-delta-gateway_default", check=False).returncode != 0
    assert not (two_labs.home / "lab-state" / "delta").exists()
    assert "delta.litellm.localhost" not in (two_labs.home / "proxy" / "Caddyfile").read_text()
    assert two_labs.container_id(None, "caddy") is not None
    for lab in ("alpha", "beta"):
        assert request(two_labs, lab)[0] == 200


def test_postgres_service(installation: Installation, tmp_path: Path) -> None:
    """The database half of a default gateway, for real: Postgres healthy on its named volume,
    reachable from the LiteLLM container by its alias, and removed with the lab.

    LiteLLM itself cannot use it here (Prisma's engines cannot be downloaded), so the gateway
    is started with --no-wait and its LiteLLM is not expected to answer.
    """
    prefix = f"{installation.prefix}-db"
    env = {"TAXIWAY_HOME": str(tmp_path / "home"), "TAXIWAY_PROJECT_PREFIX": prefix, "TAXIWAY_GATEWAY_DB": "postgres",
           "TAXIWAY_PROXY_PORT": str(free_port())}
    project = f"{prefix}-pg-gateway"
    try:
        installation.invoke("lab.create", "--lab=pg", "--agent=claude-code", **env)
        installation.invoke("gateway", "--lab=pg", "--no-wait", **env)
        health = docker("inspect", "--format", "{{.State.Health.Status}}", f"{project}-postgres-1").stdout.strip()
        assert health == "healthy"
        volume = f"{project}_postgres_data"
        assert docker("volume", "inspect", volume, check=False).returncode == 0
        compose = (tmp_path / "home" / "lab-state" / "pg" / "gateway" / "litellm.compose.yml").read_text()
        alias = compose.split("DATABASE_URL: postgresql://litellm:litellm@", 1)[1].split(":", 1)[0]
        probe = (
            "import socket; s = socket.create_connection(("
            f"'{alias}', 5432), timeout=5); s.close()"
        )
        docker("run", "--rm", "--network", f"{project}_default", "--entrypoint", "python3",
               "taxiway-local/litellm:1.108.7", "-c", probe)
        installation.invoke("gateway.rm", "--lab=pg", **env)
        assert docker("volume", "inspect", volume, check=False).returncode != 0
        assert docker("inspect", f"{project}-postgres-1", check=False).returncode != 0
    finally:
        remove_everything(prefix)
