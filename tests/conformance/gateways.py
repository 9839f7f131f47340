"""Session fixtures: fake providers, three labs' LiteLLMs and the shared Caddy, all local processes.

The files come from our plan and builders; only addresses change, through their parameters:
the catalog's Anthropic models carry ``api_base`` = the fake Anthropic, ``CHATGPT_API_BASE`` =
the fake ChatGPT backend, ``LANGFUSE_OTEL_HOST`` = the fake collector, and the Caddy routes
point at loopback ports. No database (its engines cannot be fetched here), so a wrong key is
refused by LiteLLM's virtual-key lookup with 400 instead of 401.

Labs: ``alpha`` (claude-code), ``bravo`` (codex, exports to Langfuse), ``charlie`` (codex, no
Langfuse keys), ``delta`` (claude-code, exports to Langfuse). Each LiteLLM starts once per
session; all start at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import yaml

from taxiway_build import credentials, fs, plan, render, state
from taxiway_build.builders.caddy import Route, caddyfile
from taxiway_build.builders.env import LANGFUSE_VARS
from taxiway_build.builders.litellm_config import LangfuseExport, litellm_environment
from taxiway_build.catalog import DEFAULT_CATALOG
from taxiway_build.lab import Lab, default_model
from taxiway_build.serialize import header
from taxiway_build.settings import PROJECT_ROOT, Settings
from tests.fakes import RecordingServer, codex_login, fake_anthropic, fake_chatgpt, fake_otlp_collector
from tests.fakes.chatgpt import API_BASE_PATH

from . import harness
from .harness import CADDY, LITELLM, Gateway, Process, Proxy, free_port, wait_ready


@dataclass(frozen=True)
class LabSpec:
    name: str
    agent: str
    key: str
    langfuse: bool


LABS = (
    LabSpec("alpha", "claude-code", "sk-taxiway-" + "a1" * 24, langfuse=False),
    LabSpec("bravo", "codex", "sk-taxiway-" + "b2" * 24, langfuse=True),
    LabSpec("charlie", "codex", "sk-taxiway-" + "c3" * 24, langfuse=False),
    LabSpec("delta", "claude-code", "sk-taxiway-" + "d4" * 24, langfuse=True),
)


@dataclass(frozen=True)
class Fakes:
    anthropic: RecordingServer
    chatgpt: RecordingServer
    otlp: RecordingServer

    @property
    def providers(self) -> tuple[RecordingServer, ...]:
        return (self.anthropic, self.chatgpt)

    @property
    def chatgpt_api_base(self) -> str:
        return self.chatgpt.url + API_BASE_PATH


@dataclass(frozen=True)
class WrittenFile:
    """A file as it was right after it was written, before any LiteLLM started."""

    path: Path
    data: bytes
    mtime_ns: int
    inode: int


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Attach the tail of every running process's log to a failing test's report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for process in harness.running():
            report.sections.append((f"{process.name} log (last 60 lines)", process.log_tail()))


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (LITELLM.exists() and CADDY.exists()):
        pytest.fail(f"litellm or caddy missing in {LITELLM.parent}: pip install -e '.[test,conformance]'")
    return tmp_path_factory.mktemp("conformance")


@pytest.fixture(scope="session")
def fakes() -> Iterator[Fakes]:
    servers = Fakes(fake_anthropic().start(), fake_chatgpt().start(), fake_otlp_collector().start())
    yield servers
    for server in (servers.anthropic, servers.chatgpt, servers.otlp):
        server.stop()


@pytest.fixture(scope="session")
def proxy_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def settings(workdir: Path, fakes: Fakes, proxy_port: int) -> Settings:
    """As the tasks would see them, with a catalog whose Anthropic models point at the fake."""
    s = Settings(
        home=workdir / "taxiway-home", proxy_port=proxy_port, gateway_db="none", chatgpt_api_base=fakes.chatgpt_api_base
    )
    catalog = yaml.safe_load(DEFAULT_CATALOG.read_text())
    for entry in catalog["models"]:
        if entry["provider"] == "anthropic":
            entry["api_base"] = fakes.anthropic.url
    fs.write_file(s.paths.catalog, yaml.safe_dump(catalog, sort_keys=False))
    return s


@pytest.fixture(scope="session")
def codex_login_file(workdir: Path) -> Path:
    path = workdir / "codex-home" / "auth.json"
    fs.write_file(path, json.dumps(codex_login(now=int(time.time())), indent=1))
    return path


@pytest.fixture(scope="session")
def codex_credentials(workdir: Path, settings: Settings, codex_login_file: Path) -> WrittenFile:
    """The file ``invoke credentials.codex`` writes from the fake Codex login: the real CLI runs."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "TAXIWAY_HOME": str(settings.home),
        "CODEX_HOME": str(codex_login_file.parent),
    }
    result = subprocess.run(
        [str(harness.VENV_BIN / "invoke"), "-r", str(PROJECT_ROOT), "credentials.codex"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"LiteLLM will use Codex auth from {codex_login_file}" in result.stdout
    path = settings.paths.codex_token_dir / credentials.AUTH_FILE
    st = path.stat()
    return WrittenFile(path, path.read_bytes(), st.st_mtime_ns, st.st_ino)


def _base_env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        # Test speed only: export spans after 0.2 s instead of the OTel default 5 s.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }


def _langfuse(spec: LabSpec, fakes: Fakes) -> dict[str, str] | None:
    if not spec.langfuse:
        return None
    return dict(zip(LANGFUSE_VARS, (f"pk-lf-{spec.name}-test", f"sk-lf-{spec.name}-test", fakes.otlp.url)))


@pytest.fixture(scope="session")
def gateways(
    workdir: Path, fakes: Fakes, settings: Settings, codex_credentials: WrittenFile
) -> Iterator[dict[str, Gateway]]:
    assets = state.load_assets()
    paths = settings.paths
    started: dict[str, Gateway] = {}
    try:
        for spec in LABS:
            lab = Lab(spec.name, spec.agent, default_model(spec.agent))
            state.write_lab(paths, lab)
            langfuse = _langfuse(spec, fakes)
            inputs = replace(state.lab_inputs(settings, lab, key=spec.key, install_catalog=False), langfuse=langfuse)
            files = plan.plan_lab(inputs, assets)
            fs.write_plan(settings.home, files, render.modes(files))
            codex = spec.agent == "codex"
            env = _base_env(workdir / f"home-{spec.name}") | litellm_environment(
                master_key=spec.key,
                database_url=None,
                langfuse=LangfuseExport(
                    public_key=langfuse["LANGFUSE_PUBLIC_KEY"],
                    secret_key=langfuse["LANGFUSE_SECRET_KEY"],
                    host=langfuse["LANGFUSE_OTEL_HOST"],
                )
                if langfuse
                else None,
                chatgpt_token_dir=str(paths.codex_token_dir) if codex else None,
                chatgpt_api_base=settings.chatgpt_api_base if codex else None,
                # As the lab's compose file sets it for the lab_tags callback.
                lab=lab.name if langfuse else None,
            )
            config_dir = settings.home / plan.gateway_dir(lab.name)
            port = free_port()
            process = Process(
                f"LiteLLM {lab.name}",
                [
                    str(LITELLM),
                    "--config",
                    str(config_dir / plan.CONFIG_FILE),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env=env,
                cwd=config_dir,
                log=workdir / f"litellm-{lab.name}.log",
            )
            started[lab.name] = Gateway(
                lab=lab.name,
                agent=lab.agent,
                host=lab.host,
                key=spec.key,
                port=port,
                models=tuple(m.name for m in inputs.models),
                config_dir=config_dir,
                process=process,
                langfuse=langfuse,
                env=env,
            )
        for gateway in started.values():
            wait_ready(gateway.process, gateway.port, "/health/liveliness")
        yield started
    finally:
        for gateway in started.values():
            gateway.process.stop()


@pytest.fixture(scope="session")
def proxy(workdir: Path, gateways: dict[str, Gateway], proxy_port: int) -> Iterator[Proxy]:
    assets = state.load_assets()
    routes = [Route(lab=g.lab, host=g.host, upstream=f"127.0.0.1:{g.port}") for g in gateways.values()]
    path = workdir / "proxy" / "Caddyfile"
    fs.write_file(
        path,
        caddyfile(
            routes,
            listen_port=proxy_port,
            global_options=assets.caddy_global,
            index_html=assets.caddy_index,
            header=header(source="tests/conformance"),
            admin=f"127.0.0.1:{free_port()}",
            bind="127.0.0.1",
        ),
    )
    caddy_home = workdir / "caddy-home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(caddy_home),
        "XDG_DATA_HOME": str(caddy_home / "data"),
        "XDG_CONFIG_HOME": str(caddy_home / "config"),
    }
    process = Process(
        "Caddy",
        [str(CADDY), "run", "--config", str(path), "--adapter", "caddyfile"],
        env=env,
        cwd=path.parent,
        log=workdir / "caddy.log",
    )
    try:
        wait_ready(process, proxy_port, "/", host="not-a-lab.example", timeout=30)
        yield Proxy(port=proxy_port, process=process, caddyfile=path)
    finally:
        process.stop()


@pytest.fixture(scope="session")
def alpha(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["alpha"]


@pytest.fixture(scope="session")
def bravo(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["bravo"]


@pytest.fixture(scope="session")
def charlie(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["charlie"]


@pytest.fixture(scope="session")
def delta(gateways: dict[str, Gateway]) -> Gateway:
    return gateways["delta"]
