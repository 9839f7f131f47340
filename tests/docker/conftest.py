"""Tier 4: the real `invoke gateway` against a real Docker engine and locally built images.

Skips (saying why) only when no engine answers or the local images are missing; CI starts
the engine and builds the images first (scripts/test). Every test run uses its own
TAXIWAY_HOME, project prefix and proxy port, so it never touches a user's own gateways, and
removes every container, network and volume it made.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INVOKE = Path(sys.executable).parent / "invoke"
IMAGES = {
    "TAXIWAY_LITELLM_IMAGE": "taxiway-local/litellm:1.108.7",
    "TAXIWAY_POSTGRES_IMAGE": "taxiway-local/postgres:15",
    "TAXIWAY_CADDY_IMAGE": "taxiway-local/caddy:2.11.7",
}
#: The fake provider listens here inside each lab LiteLLM's network namespace.
FAKE_PORT = 18080


def docker(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=timeout)


def _engine_problem() -> str | None:
    try:
        info = docker("info", "--format", "{{.ServerVersion}}", check=False, timeout=20)
    except FileNotFoundError:
        return "docker CLI not installed"
    if info.returncode != 0:
        return f"no Docker engine answers ({info.stderr.strip().splitlines()[0] if info.stderr.strip() else 'docker info failed'}); run scripts/ci/docker-engine.sh as root"
    if docker("compose", "version", check=False).returncode != 0:
        return "Docker Compose v2 plugin missing; run scripts/ci/docker-engine.sh"
    missing = [image for image in IMAGES.values() if docker("image", "inspect", image, check=False).returncode != 0]
    if missing:
        return f"local images missing ({', '.join(missing)}); run scripts/ci/build-images.sh"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Installation:
    home: Path
    prefix: str
    port: int
    env: dict[str, str]

    def invoke(self, *args: str, check: bool = True, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(INVOKE), "-r", str(REPO), *args], capture_output=True, text=True, timeout=timeout,
            env={**self.env, **env},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"invoke {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(INVOKE), "-r", str(REPO), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**self.env, **env},
        )

    def container(self, lab: str | None, service: str) -> str:
        project = f"{self.prefix}-{lab}-gateway" if lab else f"{self.prefix}-proxy"
        return f"{project}-{service}-1"

    def container_id(self, lab: str | None, service: str) -> str | None:
        result = docker("inspect", "--format", "{{.Id}}", self.container(lab, service), check=False)
        return result.stdout.strip() if result.returncode == 0 else None

    def key(self, lab: str) -> str:
        for line in (self.home / "lab-state" / lab / "gateway" / "env").read_text().splitlines():
            if line.startswith("TAXIWAY_LITELLM_API_KEY="):
                return line.split("=", 1)[1]
        raise AssertionError(f"no key for {lab}")


def remove_everything(prefix: str) -> None:
    ids = docker("ps", "-aq", "--filter", f"name=^{prefix}-", check=False).stdout.split()
    if ids:
        docker("rm", "-f", "-v", *ids, check=False)
    for kind in ("network", "volume"):
        names = docker(kind, "ls", "-q", "--filter", f"name={prefix}-", check=False).stdout.split()
        if names:
            docker(kind, "rm", *names, check=False)


@pytest.fixture(scope="session")
def engine() -> None:
    problem = _engine_problem()
    if problem:
        pytest.skip(f"Docker tier skipped: {problem}")


@pytest.fixture(scope="session")
def installation(engine: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    home = tmp_path_factory.mktemp("taxiway-home")
    prefix = f"twtest-{secrets.token_hex(3)}"
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TAXIWAY_")},
        **IMAGES,
        "TAXIWAY_HOME": str(home),
        "TAXIWAY_PROJECT_PREFIX": prefix,
        "TAXIWAY_PROXY_PORT": str(port),
        # The locally built LiteLLM image cannot download Prisma's engines (no network
        # here), so the gateways run without their database; see test_postgres_service.
        "TAXIWAY_GATEWAY_DB": "none",
        "TAXIWAY_WAIT_TIMEOUT": "180",
    }
    inst = Installation(home=home, prefix=prefix, port=port, env=env)
    catalog = home / "runtime" / "infra" / "gateway" / "litellm" / "models.yaml"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        "models:\n"
        + "".join(
            f"  - name: {name}\n    provider: anthropic\n    upstream: {name}\n"
            f"    forward_client_headers: true\n    api_base: http://127.0.0.1:{FAKE_PORT}\n"
            for name in ("claude-opus-4-8", "claude-sonnet-4-6")
        )
    )
    try:
        yield inst
    finally:
        remove_everything(prefix)


@pytest.fixture(scope="session")
def two_labs(installation: Installation) -> Installation:
    """Labs alpha and beta, their gateways started by two concurrent `invoke gateway` runs."""
    for lab in ("alpha", "beta"):
        installation.invoke("lab.create", f"--lab={lab}", "--agent=claude-code")
    runs = {lab: installation.start("gateway", f"--lab={lab}") for lab in ("alpha", "beta")}
    for lab, proc in runs.items():
        out, _ = proc.communicate(timeout=400)
        assert proc.returncode == 0, f"gateway {lab} failed:\n{out}"
    return installation


@pytest.fixture
def fake_provider(two_labs: Installation, tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A recording fake Anthropic inside each lab LiteLLM's network namespace (loopback only)."""
    logs = {}
    names = []
    for lab in ("alpha", "beta"):
        log_dir = tmp_path / lab
        log_dir.mkdir()
        name = f"{two_labs.prefix}-fake-{lab}"
        docker(
            "run", "-d", "--rm", "--name", name, "--network", f"container:{two_labs.container(lab, 'litellm')}",
            "-v", f"{REPO / 'tests'}:/src/tests:ro", "-v", f"{log_dir}:/logs", "-w", "/src",
            "--entrypoint", "python3", IMAGES["TAXIWAY_LITELLM_IMAGE"],
            "-m", "tests.fakes", "anthropic", "--port", str(FAKE_PORT), "--log", "/logs/requests.jsonl",
        )
        names.append(name)
        logs[lab] = log_dir / "requests.jsonl"
    try:
        for name in names:
            probe = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{FAKE_PORT}/v1/models', timeout=2)"
            for _ in range(50):
                if docker("exec", name, "python3", "-c", probe, check=False).returncode == 0:
                    break
                time.sleep(0.2)
            else:
                raise AssertionError(f"fake provider {name} did not start:\n{docker('logs', name, check=False).stdout}")
        yield logs
    finally:
        docker("rm", "-f", *names, check=False)
