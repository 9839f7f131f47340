"""Checks behind `invoke doctor`: each returns (name, problem or None, hint)."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable

from taxiway_build import state
from taxiway_build.docker import Runner, preflight
from taxiway_build.errors import TaxiwayError
from taxiway_build.settings import Settings

Check = tuple[str, str | None]


def _catch(fn: Callable[[], str | None]) -> str | None:
    try:
        return fn()
    except TaxiwayError as error:
        return str(error)


def _port(settings: Settings) -> str | None:
    """A busy proxy port is a problem only if our proxy is not the one holding it."""
    from taxiway_build.gateway import proxy_networks

    if proxy_networks(settings, Runner()) is not None:
        return None
    with socket.socket() as sock:
        try:
            sock.bind((settings.proxy_bind, settings.proxy_port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"port {settings.proxy_port} on {settings.proxy_bind} is in use by something else; "
                        "set TAXIWAY_PROXY_PORT=<port>")
            return f"cannot bind {settings.proxy_bind}:{settings.proxy_port}: {exc.strerror}"
    return None


def _catalog(settings: Settings) -> None:
    state.catalog(settings.paths, install=False)


def _labs(settings: Settings, only: str | None) -> list[Check]:
    checks: list[Check] = []
    labs = [state.read_lab(settings.paths, only)] if only else state.list_labs(settings.paths)
    for lab in labs:
        problem = None
        if lab.agent == "codex" and not state.has_codex_credentials(settings.paths):
            problem = "no Codex credentials: run `invoke credentials.codex`, then `invoke gateway --lab=" + lab.name + "`"
        elif lab.name in state.configured_gateways(settings.paths) and not state.existing_key(settings.paths, lab.name):
            problem = f"gateway configured but its key is missing: run `invoke gateway --lab={lab.name}`"
        checks.append((f"lab {lab.name}", problem))
    return checks


def run_checks(settings: Settings, lab: str | None = None) -> list[Check]:
    checks: list[Check] = [("docker", _catch(lambda: preflight(Runner())))]
    checks.append(("proxy port", _port(settings) if checks[0][1] is None else "skipped (Docker unavailable)"))
    checks.append(("model catalog", _catch(lambda: _catalog(settings))))
    try:
        checks += _labs(settings, lab)
    except TaxiwayError as error:
        checks.append(("labs", str(error)))
    return checks
