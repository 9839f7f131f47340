"""Lab trace export to the observability stack, for real, with a fake in place of Langfuse.

The Langfuse images cannot be pulled here, so a recording fake OTLP collector (``python -m
tests.fakes otlp`` in the local LiteLLM image, which has python3) plays ``langfuse-web``: on
the stack's network, under langfuse-web's unique alias, on port 3000, labelled as that Compose
service. Everything else is real: the ``.env`` and Compose file written by the code
``invoke observe.up`` runs, ``invoke gateway`` wiring the lab's LiteLLM, the proxy's Langfuse
routes and its link to the stack's network, LiteLLM's ``langfuse_otel`` export through the
proxy, ``invoke status``, and ``invoke observe.rm``. Each test run uses its own
TAXIWAY_HOME, prefix and port, and removes everything it made.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.docker.conftest import FAKE_PORT, IMAGES, REPO, Installation, docker, free_port, remove_everything

pytestmark = pytest.mark.docker

LAB = "traced"
OAUTH = "sk-ant-oat01-fake-docker-tier-0000"
TRACES = "/api/public/otel/v1/traces"


def new_installation(base: Installation, home: Path, suffix: str) -> Installation:
    prefix = f"{base.prefix}-{suffix}"
    port = free_port()
    env = {**base.env, "TAXIWAY_HOME": str(home), "TAXIWAY_PROJECT_PREFIX": prefix, "TAXIWAY_PROXY_PORT": str(port)}
    catalog = home / "runtime" / "infra" / "gateway" / "litellm" / "models.yaml"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        "models:\n  - name: claude-opus-4-8\n    provider: anthropic\n    upstream: claude-opus-4-8\n"
        f"    forward_client_headers: true\n    api_base: http://127.0.0.1:{FAKE_PORT}\n"
    )
    return Installation(home=home, prefix=prefix, port=port, env=env)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def project_resources(prefix: str) -> list[str]:
    containers = docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={prefix}-observability").stdout.split()
    networks = docker("network", "ls", "-q", "--filter", f"name={prefix}-observability").stdout.split()
    return containers + networks


def test_observe_up_dry_run_runs_and_writes_nothing(installation: Installation, tmp_path: Path) -> None:
    inst = new_installation(installation, tmp_path / "home", "obsdry")
    try:
        before = tree(inst.home)
        result = inst.invoke("observe.up", "--dry-run")
        obs = inst.home / "observability"
        assert (
            f"[dry-run] docker compose --project-name {inst.prefix}-observability --project-directory {obs} "
            f"-f {obs / 'langfuse.compose.yml'} --env-file {obs / '.env'} up -d --remove-orphans"
        ) in result.stdout
        assert f"[dry-run] docker network connect {inst.prefix}-observability_default {inst.prefix}-proxy-caddy-1" in result.stdout
        assert tree(inst.home) == before
        assert project_resources(inst.prefix) == []
        assert inst.container_id(None, "caddy") is None
    finally:
        remove_everything(inst.prefix)


@dataclass
class Traced:
    inst: Installation
    settings: object
    values: dict[str, str]
    collector_log: Path
    fake_langfuse: str


def wait_for_fake(name: str, port: int, path: str) -> None:
    probe = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}{path}', timeout=2)"
    for _ in range(100):
        if docker("exec", name, "python3", "-c", probe, check=False).returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"fake {name} did not start:\n{docker('logs', name, check=False).stdout}")


def start_fake(name: str, network: list[str], kind: str, port: int, log_dir: Path, *extra: str) -> None:
    docker(
        "run", "-d", "--name", name, *network, *extra,
        "-v", f"{REPO / 'tests'}:/src/tests:ro", "-v", f"{log_dir}:/logs", "-w", "/src",
        "--entrypoint", "python3", IMAGES["TAXIWAY_LITELLM_IMAGE"],
        "-m", "tests.fakes", kind, "--host", "0.0.0.0", "--port", str(port), "--log", "/logs/requests.jsonl",
    )


@pytest.fixture(scope="module")
def traced(installation: Installation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Traced]:
    from taxiway_build import observability, observe
    from taxiway_build.builders import langfuse
    from taxiway_build.docker import Runner
    from taxiway_build.settings import load_settings

    inst = new_installation(installation, tmp_path_factory.mktemp("obs-home"), "obs")
    settings = load_settings(inst.env)
    names = settings.names
    collector_logs = tmp_path_factory.mktemp("collector")
    provider_logs = tmp_path_factory.mktemp("provider")
    try:
        # Observability initialized by the code `invoke observe.up` runs before Compose.
        added, _ = observe.prepare(settings, Runner())
        assert langfuse.PUBLIC_KEY in added
        project = names.observability_project
        compose_labels = ["--label", f"com.docker.compose.project={project}"]
        # The stack's network, as Compose makes it (same name, same labels).
        docker("network", "create", *compose_labels, "--label", "com.docker.compose.network=default",
               names.observability_network)
        fake_langfuse = names.observability_container(langfuse.WEB)
        start_fake(
            fake_langfuse, ["--network", names.observability_network, "--network-alias", names.observability_alias(langfuse.WEB)],
            "otlp", langfuse.WEB_PORT, collector_logs,
            *compose_labels, "--label", f"com.docker.compose.service={langfuse.WEB}",
            # What Compose needs to count the container as the service's (and remove it on `down`).
            "--label", "com.docker.compose.oneoff=False", "--label", "com.docker.compose.container-number=1",
            "--label", "com.docker.compose.config-hash=fake",
        )
        wait_for_fake(fake_langfuse, langfuse.WEB_PORT, langfuse.HEALTH_PATH)
        inst.invoke("lab.create", f"--lab={LAB}", "--agent=claude-code")
        inst.invoke("gateway", f"--lab={LAB}")
        # A fake Anthropic in the lab LiteLLM's network namespace (the catalog points at it).
        provider = f"{inst.prefix}-fake-provider"
        start_fake(provider, ["--network", f"container:{inst.container(LAB, 'litellm')}"], "anthropic", FAKE_PORT,
                   provider_logs)
        wait_for_fake(provider, FAKE_PORT, "/v1/models")
        values = observability.read_values(settings.paths)
        yield Traced(inst, settings, values, collector_logs / "requests.jsonl", fake_langfuse)
    finally:
        remove_everything(inst.prefix)


def proxy_request(inst: Installation, host: str, method: str, path: str, body: dict | None = None,
                  headers: dict[str, str] | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=60)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Host": f"{host}:{inst.port}", "content-type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def exports(log: Path) -> list[dict]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [r for r in map(json.loads, lines) if r["method"] == "POST"]


def test_gateway_is_wired_to_the_stack(traced: Traced) -> None:
    inst, names = traced.inst, traced.settings.names
    env = dict(line.split("=", 1) for line in (inst.home / "lab-state" / LAB / "gateway" / "env").read_text().splitlines()
               if "=" in line and not line.startswith("#"))
    assert env["LANGFUSE_PUBLIC_KEY"] == traced.values["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"]
    assert env["LANGFUSE_OTEL_HOST"] == f"http://{names.proxy_container}:4000/_taxiway/langfuse"
    config = (inst.home / "lab-state" / LAB / "gateway" / "litellm_config.yaml").read_text()
    assert "langfuse_otel" in config
    networks = docker("inspect", "--format", "{{json .NetworkSettings.Networks}}", names.proxy_container).stdout
    assert names.observability_network in json.loads(networks)
    assert "http://langfuse.localhost:4000 {" in (inst.home / "proxy" / "Caddyfile").read_text()


def test_a_labs_request_is_exported_through_the_proxy(traced: Traced) -> None:
    inst = traced.inst
    key = inst.key(LAB)
    since = len(exports(traced.collector_log))
    status, body = proxy_request(
        inst, f"{LAB}.litellm.localhost", "POST", "/v1/messages",
        body={"model": "claude-opus-4-8", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]},
        headers={"x-litellm-api-key": f"Bearer {key}", "Authorization": f"Bearer {OAUTH}",
                 "anthropic-version": "2023-06-01"},
    )
    assert status == 200, body
    deadline = time.monotonic() + 60  # LiteLLM's batch exporter sends every 5 s
    while time.monotonic() < deadline and len(exports(traced.collector_log)) <= since:
        time.sleep(0.5)
    found = exports(traced.collector_log)[since:]
    assert found, f"nothing exported; LiteLLM log:\n{docker('logs', '--tail', '40', inst.container(LAB, 'litellm'), check=False).stderr}"
    export = found[0]
    assert export["path"] == TRACES  # the proxy stripped /_taxiway/langfuse
    headers = {name.lower(): value for name, value in export["headers"]}
    pair = f"{traced.values['LANGFUSE_INIT_PROJECT_PUBLIC_KEY']}:{traced.values['LANGFUSE_INIT_PROJECT_SECRET_KEY']}"
    assert headers["authorization"] == "Basic " + base64.b64encode(pair.encode()).decode()
    assert headers["content-type"] == "application/x-protobuf"
    assert key not in json.dumps(found)


def test_langfuse_ui_route_answers_through_the_proxy(traced: Traced) -> None:
    """The health wait of `invoke observe.up`, for real, through the proxy's langfuse.localhost site."""
    from taxiway_build import observe
    from taxiway_build.docker import Runner

    assert observe.wait_healthy(traced.settings, Runner(), timeout=30) < 30
    status, body = proxy_request(traced.inst, "langfuse.localhost", "GET", "/api/public/health")
    assert (status, json.loads(body)["status"]) == (200, "OK")
    # The internal site serves only the ingestion prefix.
    status, _ = proxy_request(traced.inst, traced.settings.names.proxy_container, "GET", "/api/public/health")
    assert status == 404


def test_status_shows_the_stacks_services(traced: Traced) -> None:
    data = json.loads(traced.inst.invoke("observe.status", "--json").stdout)
    assert data["state"] == "partial"
    assert data["services"]["langfuse-web"] == "running"
    assert data["services"]["postgres"] == "missing"
    status = json.loads(traced.inst.invoke("status", "--json").stdout)
    assert status["langfuse"]["services"] == data["services"]
    access = json.loads(traced.inst.invoke("access", "--json").stdout)
    assert access["langfuse"]["password"] == traced.values["LANGFUSE_INIT_USER_PASSWORD"]


def test_observe_rm_removes_the_stack_and_the_next_gateway_stops_exporting(traced: Traced) -> None:
    inst, names = traced.inst, traced.settings.names
    result = inst.invoke("observe.rm")
    assert f"invoke gateway --lab={LAB}" in result.stdout
    assert docker("inspect", traced.fake_langfuse, check=False).returncode != 0
    assert docker("network", "inspect", names.observability_network, check=False).returncode != 0
    assert "langfuse" not in (inst.home / "proxy" / "Caddyfile").read_text()
    # The running proxy reloaded: langfuse.localhost is just another unknown host now.
    status, body = proxy_request(inst, "langfuse.localhost", "GET", "/api/public/health")
    assert status == 200 and "Taxiway proxy" in body
    networks = docker("inspect", "--format", "{{json .NetworkSettings.Networks}}", names.proxy_container).stdout
    assert names.observability_network not in json.loads(networks)
    assert (inst.home / "observability" / ".env").is_file()
    assert not (inst.home / "observability" / "langfuse.compose.yml").exists()
    inst.invoke("gateway", f"--lab={LAB}")
    assert "LANGFUSE" not in (inst.home / "lab-state" / LAB / "gateway" / "env").read_text()
    assert "langfuse_otel" not in (inst.home / "lab-state" / LAB / "gateway" / "litellm_config.yaml").read_text()
    assert proxy_request(inst, f"{LAB}.litellm.localhost", "GET", "/health/liveliness")[0] == 200
    assert json.loads(inst.invoke("observe.status", "--json").stdout)["state"] == "removed"
    inst.invoke("observe.rm", "--volumes")
    assert not (inst.home / "observability").exists()
