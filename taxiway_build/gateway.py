"""The gateway lifecycle: reconcile a lab's gateway and the shared proxy, stop, remove.

Effects only; every file comes from ``plan`` through ``fs``, every command through
``docker.Runner``. The shared proxy state (Caddyfile, proxy container, its networks) is
changed only under a file lock, so gateways of different labs can be reconciled at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from taxiway_build import clients, fs, naming, observability, plan, render, state
from taxiway_build.docker import Runner, compose_args, preflight
from taxiway_build.errors import TaxiwayError
from taxiway_build.redact import redact
from taxiway_build.settings import Settings
from taxiway_build.wait import Probe, wait_until

#: Compose progress words that mean a container was (re)made or (re)started.
_CHANGE_WORDS = ("Created", "Recreated", "Started", "Restarted", "Creating", "Recreate", "Starting")


@dataclass
class Outcome:
    """What a reconcile did, for the summary and for tests."""

    written: list[Path] = field(default_factory=list)
    containers_changed: list[str] = field(default_factory=list)
    networks_connected: list[str] = field(default_factory=list)
    proxy_reloaded: bool = False
    waited: float = 0.0

    @property
    def unchanged(self) -> bool:
        return not (self.written or self.containers_changed or self.networks_connected or self.proxy_reloaded)


def container_changes(output: str) -> list[str]:
    """Containers that Compose created, recreated or started, from its progress output."""
    changed = []
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "Container" and any(w in _CHANGE_WORDS for w in words[2:3]):
            changed.append(words[1])
    return sorted(set(changed))


@contextlib.contextmanager
def proxy_lock(settings: Settings, *, dry_run: bool) -> Iterator[None]:
    """Serialize changes to the shared proxy across concurrent ``invoke gateway`` runs."""
    if dry_run:
        yield
        return
    fs.ensure_dir(settings.paths.proxy)
    with open(settings.paths.proxy / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_files(settings: Settings, files: dict[str, str], *, dry_run: bool) -> list[Path]:
    """Write plan files under ``TAXIWAY_HOME`` (or, under ``dry_run``, say which would change)."""
    if dry_run:
        changed = fs.diff_plan(settings.home, files).changed
        for path in changed:
            print(f"[dry-run] would write {path}")
        return changed
    return fs.write_plan(settings.home, files, render.modes(files)).changed


def _lab_compose(settings: Settings, lab: str, *args: str) -> list[str]:
    gw = settings.home / plan.gateway_dir(lab)
    return compose_args(settings.names.lab_project(lab), gw / plan.COMPOSE_FILE, *args, env_file=gw / plan.ENV_FILE)


def _proxy_compose(settings: Settings, *args: str) -> list[str]:
    return compose_args(settings.names.proxy_project, settings.paths.proxy / plan.PROXY_COMPOSE_FILE, *args)



def _port_busy_hint(settings: Settings, output: str) -> TaxiwayError | None:
    if "address already in use" in output or "port is already allocated" in output:
        return TaxiwayError(
            f"port {settings.proxy_port} on {settings.proxy_bind} is busy, so the proxy cannot start",
            "free it, or pick another port: TAXIWAY_PROXY_PORT=<port> invoke gateway --lab=<lab>",
        )
    return None


def proxy_networks(settings: Settings, runner: Runner) -> set[str] | None:
    """Networks of the running proxy container, or None when it is not running."""
    result = runner.run(
        ["inspect", "--format", "{{.State.Running}} {{json .NetworkSettings.Networks}}", settings.names.proxy_container],
        check=False,
    )
    if runner.dry_run:
        return set()
    running, _, networks = result.stdout.strip().partition(" ")
    if not result.ok or running != "true":
        return None
    return set(json.loads(networks or "{}") or {})


def reconcile_proxy(
    settings: Settings, runner: Runner, *, extra: list[str] = (), exclude: list[str] = (), langfuse: bool | None = None
) -> Outcome:
    """Render the proxy files, start the proxy, connect it to every route's network, reload Caddy.

    Call under :func:`proxy_lock`. The Caddyfile is validated inside the running proxy before
    it replaces the live file, so a refused config leaves the running one in place.
    ``langfuse`` (default: whether observability is initialized) adds the Langfuse routes and
    the observability network.
    """
    outcome = Outcome()
    langfuse = observability.initialized(settings.paths) if langfuse is None else langfuse
    files = render.proxy_plan(settings, extra=list(extra), exclude=list(exclude), langfuse=langfuse)
    caddyfile_rel = f"proxy/{plan.CADDYFILE}"
    others = {rel: text for rel, text in files.items() if rel != caddyfile_rel}
    outcome.written += write_files(settings, others, dry_run=runner.dry_run)
    before = proxy_networks(settings, runner)
    running = before is not None
    caddy_changed = fs.diff_plan(settings.home, {caddyfile_rel: files[caddyfile_rel]}).any_changed
    if caddy_changed and running and not runner.dry_run:
        candidate = {f"proxy/{plan.CADDYFILE}.new": files[caddyfile_rel]}
        fs.write_plan(settings.home, candidate, {f"proxy/{plan.CADDYFILE}.new": fs.PUBLIC_MODE})
        check = runner.run(
            _proxy_compose(settings, "exec", "-T", naming.PROXY_SERVICE, "caddy", "validate", "--config",
                           f"/etc/caddy/{plan.CADDYFILE}.new", "--adapter", "caddyfile"),
            check=False,
        )
        (settings.paths.proxy / f"{plan.CADDYFILE}.new").unlink(missing_ok=True)
        if not check.ok:
            raise TaxiwayError(
                "the new proxy config was refused by Caddy; the running config is kept:\n" + check.output[-1500:]
            )
    outcome.written += write_files(settings, {caddyfile_rel: files[caddyfile_rel]}, dry_run=runner.dry_run)
    up = runner.run(_proxy_compose(settings, "up", "-d", "--remove-orphans"), check=False, what="start the proxy")
    if not up.ok:
        raise _port_busy_hint(settings, up.output) or TaxiwayError(f"starting the proxy failed:\n{up.output[-1500:]}")
    outcome.containers_changed += container_changes(up.output)
    attached = proxy_networks(settings, runner) if outcome.containers_changed or not running else before
    labs = (set(state.configured_gateways(settings.paths)) | set(extra)) - set(exclude)
    networks = [settings.names.lab_network(lab) for lab in sorted(labs)]
    if langfuse:
        networks.append(settings.names.observability_network)
    for network in networks:
        if attached is not None and network in attached:
            continue
        result = runner.run(["network", "connect", network, settings.names.proxy_container], check=False)
        if result.ok or "already exists" in result.output:
            outcome.networks_connected.append(network)
        elif "not found" not in result.output:
            raise TaxiwayError(f"connecting the proxy to {network} failed:\n{result.output[-800:]}")
    if caddy_changed and running and not outcome.containers_changed:
        runner.run(
            _proxy_compose(settings, "exec", "-T", naming.PROXY_SERVICE, "caddy", "reload", "--config",
                           f"/etc/caddy/{plan.CADDYFILE}", "--adapter", "caddyfile"),
            what="reload the proxy",
        )
        outcome.proxy_reloaded = True
    return outcome


def ensure_key(settings: Settings, lab: str, *, dry_run: bool) -> str:
    """The lab key: kept across refreshes, generated on the first run only."""
    key = state.existing_key(settings.paths, lab)
    if key:
        return key
    if dry_run:
        return plan.KEY_PLACEHOLDER
    return state.new_key()


def reconcile(settings: Settings, lab: str, *, dry_run: bool = False, wait: bool = True, runner: Runner | None = None) -> Outcome:
    """Create or refresh lab ``lab``'s gateway and its route; idempotent."""
    runner = runner or Runner(dry_run=dry_run)
    record = state.read_lab(settings.paths, lab)
    preflight(runner)
    key = ensure_key(settings, lab, dry_run=dry_run)
    runner.secrets.append(key)
    inputs = state.lab_inputs(settings, record, key=key, install_catalog=not dry_run)
    outcome = Outcome()
    files = clients.with_user_settings(settings.home, plan.plan_lab(inputs, state.load_assets()))
    outcome.written += write_files(settings, files, dry_run=dry_run)
    if record.agent == "codex" and not inputs.has_codex_credentials:
        print("warning: no Codex credentials yet; ChatGPT models will fail until you run `invoke credentials.codex`"
              f" and then `invoke gateway --lab={lab}`")
    up = runner.run(_lab_compose(settings, lab, "up", "-d", "--remove-orphans"), check=False, what="start the lab gateway")
    if not up.ok:
        raise TaxiwayError(f"starting the gateway of lab {lab} failed:\n{redact(up.output, [key])[-1500:]}")
    outcome.containers_changed += container_changes(up.output)
    with proxy_lock(settings, dry_run=dry_run):
        proxy = reconcile_proxy(settings, runner, extra=[lab])
    outcome.written += proxy.written
    outcome.containers_changed += proxy.containers_changed
    outcome.networks_connected += proxy.networks_connected
    outcome.proxy_reloaded = proxy.proxy_reloaded
    if wait and not dry_run:
        outcome.waited = wait_for_route(settings, lab, runner)
    return outcome


def probe(settings: Settings, lab: str) -> Probe:
    address = "127.0.0.1" if settings.proxy_bind in ("0.0.0.0", "127.0.0.1") else settings.proxy_bind
    return Probe(address=address, port=settings.proxy_port, host=f"{lab}.litellm.localhost")


def wait_for_route(settings: Settings, lab: str, runner: Runner) -> float:
    check = probe(settings, lab)
    container = settings.names.lab_container(lab, "litellm")

    def progress(elapsed: float, error: str) -> None:
        print(f"  waiting for {check.describe()} ({elapsed:.0f}s){': ' + error if error else ''}", flush=True)

    def diagnose() -> str:
        status = runner.run(
            ["inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", container],
            check=False,
        )
        logs = runner.run(_lab_compose(settings, lab, "logs", "--no-color", "--tail", "25", "litellm"), check=False)
        tail = redact(logs.output, runner.secrets)
        return f"container {container}: {status.output or 'missing'}\nlast log lines:\n{tail}"

    return wait_until(
        check, what=f"lab {lab} through the proxy at {check.describe()}", timeout=settings.wait_timeout,
        progress=progress, on_timeout=diagnose,
    )


def down(settings: Settings, lab: str, *, dry_run: bool = False) -> None:
    """Stop the lab's containers; keep its state, key, DB volume and route."""
    state.read_lab(settings.paths, lab)
    runner = Runner(dry_run=dry_run)
    if not (settings.home / plan.gateway_dir(lab) / plan.COMPOSE_FILE).is_file():
        print(f"lab {lab}: no gateway configured; nothing to stop")
        return
    preflight(runner)
    runner.run(_lab_compose(settings, lab, "stop"), what=f"stop the gateway of lab {lab}")


def remove(settings: Settings, lab: str, *, dry_run: bool = False) -> None:
    """Remove the lab's containers, DB volume, gateway state and route; other labs untouched."""
    gw = settings.home / plan.gateway_dir(lab)
    if not gw.is_dir():
        return
    runner = Runner(dry_run=dry_run)
    preflight(runner)
    runner.secrets.extend(filter(None, [state.existing_key(settings.paths, lab)]))
    if (gw / plan.COMPOSE_FILE).is_file():
        runner.run(["network", "disconnect", "--force", settings.names.lab_network(lab), settings.names.proxy_container], check=False)
        runner.run(_lab_compose(settings, lab, "down", "--volumes", "--remove-orphans"), what=f"remove the gateway of lab {lab}")
    with proxy_lock(settings, dry_run=dry_run):
        if dry_run:
            print(f"[dry-run] would remove {gw}")
        else:
            shutil.rmtree(gw)
        if proxy_networks(settings, runner) is not None:
            reconcile_proxy(settings, runner, exclude=[lab])
        elif (settings.paths.proxy / plan.CADDYFILE).is_file():
            # A stopped proxy must not come back with the removed lab's route.
            write_files(settings, render.proxy_plan(settings, exclude=[lab]), dry_run=dry_run)
