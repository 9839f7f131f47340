"""Fixtures for the real-client tests: the real ``claude`` and ``codex`` CLIs against our gateway.

The gateway side is the tier-3 conformance setup, reused as it is (``tests/conformance``): the
fakes, the labs' LiteLLM processes started from our rendered files, and the shared Caddy. This
module only adds the client side:

- the CLIs installed by ``scripts/ci/install-clients.sh`` (pinned in ``package-lock.json``);
  a test is skipped, saying so, only when a CLI is not installed;
- ``invoke clients --lab=NAME`` run as a real command against a copy of the conformance
  ``TAXIWAY_HOME`` (same labs, keys and catalog, no client files yet), so the files the CLIs
  read are exactly what that command wrote;
- ``run_cli``: one CLI run with a clean environment (``env -i`` style), closed stdin, a
  timeout, and the whole process group killed if it hangs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from taxiway_build import plan
from taxiway_build.settings import PROJECT_ROOT, Settings

from tests.fakes import anthropic as fake_anthropic_module
from tests.fakes import chatgpt as fake_chatgpt_module

CLIENTS_DIR = Path(__file__).resolve().parent
BIN = CLIENTS_DIR / "node_modules" / ".bin"
INSTALL = "scripts/ci/install-clients.sh"
#: What the pinned CLIs say to ``--version`` (see package.json).
VERSIONS = {"claude": "2.1.332 (Claude Code)", "codex": "codex-cli 0.171.0"}
#: The only PATH the CLIs get: node for the codex launcher, sh, coreutils.
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"
CLI_TIMEOUT = 120.0


def _installed(name: str) -> Path:
    """The CLI's path, or skip the test saying exactly what is missing and how to install it."""
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} CLI is not installed ({path} missing): run {INSTALL}")
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"{name} CLI is not runnable ({path}: {exc}): run {INSTALL} --force")
    if out.returncode != 0 or out.stdout.strip() != VERSIONS[name]:
        pytest.skip(
            f"{name} CLI is not installed properly ({path} --version: rc {out.returncode}, "
            f"{(out.stdout + out.stderr).strip()[:200]!r}, want {VERSIONS[name]!r}): run {INSTALL} --force"
        )
    return path


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    return _installed("claude")


@pytest.fixture(scope="session")
def codex_bin() -> Path:
    return _installed("codex")


@pytest.fixture
def fake_reply(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """``fake_reply(text)``: the fake Anthropic and ChatGPT backends answer ``text`` in this test.

    The fakes run in this process and read their module's ``REPLY`` per request, so setting it
    for the test's duration is enough; monkeypatch restores it afterwards.
    """

    def set_reply(text: str) -> str:
        monkeypatch.setattr(fake_anthropic_module, "REPLY", text)
        monkeypatch.setattr(fake_chatgpt_module, "REPLY", text)
        return text

    return set_reply


@pytest.fixture(scope="session")
def clients_home(settings: Settings, gateways: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``TAXIWAY_HOME`` with the conformance labs (records, gateway keys, catalog) and no client files.

    A copy, so ``invoke clients`` writes every client file itself and the conformance home is
    left as it is.
    """
    home = tmp_path_factory.mktemp("clients") / "taxiway-home"
    shutil.copytree(
        settings.home,
        home,
        ignore=lambda d, names: [n for n in names if n == "clients" and Path(d).parent.name == "lab-state"],
    )
    return home


@dataclass(frozen=True)
class ClientFiles:
    lab: str
    dir: Path
    output: str

    @property
    def lab_env(self) -> Path:
        return self.dir / "lab.env"

    @property
    def claude_env(self) -> Path:
        return self.dir / "claude-code" / "env"

    @property
    def codex_home(self) -> Path:
        return self.dir / "codex"


@pytest.fixture(scope="session")
def invoke_clients(clients_home: Path, proxy_port: int) -> Callable[[str], ClientFiles]:
    """``invoke_clients(lab)``: run ``invoke clients --lab=LAB`` as a command; the files it wrote.

    It sees only ``TAXIWAY_HOME`` and ``TAXIWAY_PROXY_PORT`` (the conformance Caddy's port), as a
    user's shell would; no other ``TAXIWAY_*`` variable leaks in from the test process.
    """
    done: dict[str, ClientFiles] = {}

    def run(lab: str) -> ClientFiles:
        if lab in done:
            return done[lab]
        env = {
            "PATH": os.environ.get("PATH", CLEAN_PATH),
            "HOME": str(clients_home.parent),
            "LANG": "C.UTF-8",
            "TAXIWAY_HOME": str(clients_home),
            "TAXIWAY_PROXY_PORT": str(proxy_port),
        }
        out = subprocess.run(
            [sys.executable, "-m", "invoke", "-r", str(PROJECT_ROOT), "clients", f"--lab={lab}"],
            env=env,
            cwd=clients_home.parent,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert out.returncode == 0, f"invoke clients --lab={lab} failed (rc {out.returncode}):\n{out.stdout}\n{out.stderr}"
        files = ClientFiles(lab, clients_home / plan.clients_dir(lab), out.stdout)
        done[lab] = files
        return files

    return run


@dataclass(frozen=True)
class CliRun:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        return f"rc {self.returncode} after {self.seconds:.1f}s\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-4000:]}"


def _kill_group(popen: subprocess.Popen) -> None:
    """SIGKILL the process group this fixture started (the CLI and any children it spawned)."""
    try:
        os.killpg(popen.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture
def run_cli(tmp_path: Path) -> Iterator[Callable[..., CliRun]]:
    """``run_cli(argv, env=...)``: run a CLI with exactly ``env`` (plus PATH, a throwaway HOME, TERM).

    stdin is /dev/null (``codex exec`` blocks on an open stdin), the working directory is an
    empty scratch directory, and the CLI runs in its own process group, killed as a whole on
    timeout and at teardown if anything is left.
    """
    started: list[subprocess.Popen] = []

    def run(argv: list[str], *, env: dict[str, str], timeout: float = CLI_TIMEOUT) -> CliRun:
        home = tmp_path / "home"
        work = tmp_path / "work"
        home.mkdir(exist_ok=True)
        work.mkdir(exist_ok=True)
        full_env = {"PATH": CLEAN_PATH, "HOME": str(home), "TERM": "dumb", "LANG": "C.UTF-8", **env}
        start = time.monotonic()
        popen = subprocess.Popen(
            argv,
            env=full_env,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        started.append(popen)
        try:
            stdout, stderr = popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(popen)
            stdout, stderr = popen.communicate()
            pytest.fail(
                f"{Path(argv[0]).name} did not finish within {timeout:.0f}s (killed)\n"
                f"--- stdout\n{stdout}\n--- stderr\n{stderr[-4000:]}"
            )
        return CliRun(argv, popen.returncode, stdout, stderr, time.monotonic() - start)

    yield run
    for popen in started:
        _kill_group(popen)
