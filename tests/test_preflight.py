"""Docker preflight: missing CLI, unreachable daemon -> plain message, exit 1, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INVOKE = Path(sys.executable).parent / "invoke"


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TAXIWAY_", "DOCKER_"))}
    return subprocess.run(
        [str(INVOKE), "-r", str(REPO), *args], capture_output=True, text=True, timeout=60,
        env={**base, "TAXIWAY_HOME": str(home), **env},
    )


def tree(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert run(home, "lab.create", "--lab=demo", "--agent=claude-code").returncode == 0
    return home


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOCKER_HOST": "unix:///nonexistent/docker.sock"}, "Docker daemon is not reachable: no Docker socket"),
        ({"DOCKER_HOST": "tcp://127.0.0.1:1"}, "Docker daemon is not reachable: connection refused"),
        ({"PATH": "/nonexistent"}, "docker not found on PATH"),
    ],
    ids=["no-socket", "refused", "no-cli"],
)
@pytest.mark.parametrize("command", ["gateway", "gateway.down", "gateway.rm"])
def test_docker_problems_are_plain_errors(home: Path, env: dict[str, str], message: str, command: str) -> None:
    if command != "gateway":
        (home / "lab-state" / "demo" / "gateway").mkdir()
        (home / "lab-state" / "demo" / "gateway" / "litellm.compose.yml").write_text("services: {}\n")
    before = tree(home)
    result = run(home, command, "--lab=demo", **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2
    assert tree(home) == before


def test_status_reports_docker_problems_instead_of_failing(home: Path) -> None:
    result = run(home, "status", DOCKER_HOST="unix:///nonexistent/docker.sock")
    assert result.returncode == 0
    assert "unavailable (no Docker socket" in result.stdout
    assert "Gateway: not configured" in result.stdout
