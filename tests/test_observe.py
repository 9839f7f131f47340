"""The observability stack without Docker: the append-only ``.env``, lab gateway wiring on and
off, the proxy routes, and ``invoke observe.*`` / ``access`` / ``status`` as a user runs them
(dry-run and the paths that need no engine). The real engine is in tests/docker."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from taxiway_build import observability, render, state
from taxiway_build.builders import langfuse
from taxiway_build.envfile import parse_env, read_env
from taxiway_build.settings import PROJECT_ROOT, load_settings

NO_DOCKER = "unix:///nonexistent/docker.sock"
INVOKE = str(Path(sys.executable).parent / "invoke")


@pytest.fixture
def settings(home):
    return load_settings()


def gateway_env(files: dict[str, str], lab: str = "demo") -> dict[str, str]:
    rel = f"lab-state/{lab}/gateway/env"
    return parse_env(files[rel], Path(rel))


def callbacks(files: dict[str, str], lab: str = "demo") -> list[str]:
    config = yaml.safe_load(files[f"lab-state/{lab}/gateway/litellm_config.yaml"])
    return config["litellm_settings"].get("callbacks", [])


def initialize(settings) -> dict[str, str]:
    """What `invoke observe.up` writes before it runs Compose: the .env and the Compose file."""
    values, _ = observability.ensure_env(settings)
    for rel, text in observability.files(settings).items():
        (settings.home / rel).write_text(text)
    return values


# --------------------------------------------------------------------------------------------
# The .env: generated once, append-only, private.


def test_env_is_generated_complete_and_private(settings, tree_state):
    values, added = observability.ensure_env(settings)
    path = observability.env_path(settings.paths)
    assert added == sorted(set(langfuse.GENERATED) | set(langfuse.DEFAULTS))
    assert read_env(path) == values
    assert tree_state(settings.home)["observability/.env"][1] == 0o600
    assert tree_state(settings.home)["observability"][1] == 0o700
    assert re.fullmatch(r"[0-9a-f]{64}", values["LANGFUSE_ENCRYPTION_KEY"])
    assert re.fullmatch(r"[0-9a-f]{32}", values["LANGFUSE_SALT"])
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(f"pk-lf-{uuid}", values["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"])
    assert re.fullmatch(f"sk-lf-{uuid}", values["LANGFUSE_INIT_PROJECT_SECRET_KEY"])
    assert re.fullmatch(uuid, values["LANGFUSE_INIT_ORG_ID"])
    assert values["LANGFUSE_INIT_USER_EMAIL"] == "admin@taxiway.local"
    assert values["LANGFUSE_INIT_PROJECT_NAME"] == "taxiway"
    assert path.read_text().startswith(langfuse.ENV_HEADER)


def test_env_secrets_differ_between_installations(tmp_path):
    a, _ = observability.ensure_env(load_settings({"TAXIWAY_HOME": str(tmp_path / "a")}))
    b, _ = observability.ensure_env(load_settings({"TAXIWAY_HOME": str(tmp_path / "b")}))
    for name in langfuse.GENERATED:
        assert a[name] != b[name], name


def test_env_is_never_rewritten(settings, tree_state):
    first, _ = observability.ensure_env(settings)
    before = tree_state(settings.home)
    again, added = observability.ensure_env(settings)
    assert (again, added) == (first, [])
    assert tree_state(settings.home) == before


def test_env_missing_keys_are_appended_and_edits_kept(settings):
    observability.ensure_env(settings)
    path = observability.env_path(settings.paths)
    lines = path.read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(("LANGFUSE_SALT=", "LANGFUSE_INIT_PROJECT_SECRET_KEY="))]
    kept = [line.replace("admin@taxiway.local", "me@example.invalid") for line in kept]
    # A hand-edited file, without its final newline.
    path.write_text("".join(kept).rstrip("\n") + "\nMY_OWN=1")
    edited = path.read_text()
    values, added = observability.ensure_env(settings)
    assert added == ["LANGFUSE_INIT_PROJECT_SECRET_KEY", "LANGFUSE_SALT"]
    text = path.read_text()
    assert text.startswith(edited + "\n")
    assert text[len(edited) + 1:].count("\n") == 2
    assert values["LANGFUSE_INIT_USER_EMAIL"] == "me@example.invalid"
    assert values["MY_OWN"] == "1"
    assert read_env(path) == values
    assert path.stat().st_mode & 0o777 == 0o600


def test_env_dry_run_writes_nothing(settings, tree_state, capsys):
    before = tree_state(settings.home)
    _, added = observability.ensure_env(settings, dry_run=True)
    assert added and tree_state(settings.home) == before
    assert f"[dry-run] would write {observability.env_path(settings.paths)}" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# Gateway wiring: a lab exports to the stack exactly while it is initialized.


@pytest.fixture
def demo(home, cli):
    assert cli("lab.create", "--lab=demo", "--agent=claude-code")[0] == 0
    return home


def test_gateway_exports_only_while_observability_is_initialized(demo, settings):
    files = render.lab_plan(settings, "demo")
    assert not any(name.startswith("LANGFUSE") for name in gateway_env(files))
    assert "langfuse_otel" not in callbacks(files)
    assert "langfuse" not in files["proxy/Caddyfile"]

    values = initialize(settings)
    files = render.lab_plan(settings, "demo")
    env = gateway_env(files)
    assert env["LANGFUSE_PUBLIC_KEY"] == values["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"]
    assert env["LANGFUSE_SECRET_KEY"] == values["LANGFUSE_INIT_PROJECT_SECRET_KEY"]
    assert env["LANGFUSE_OTEL_HOST"] == "http://taxiway-proxy-caddy-1:4000/_taxiway/langfuse"
    assert "langfuse_otel" in callbacks(files)
    compose = yaml.safe_load(files["lab-state/demo/gateway/litellm.compose.yml"])
    assert compose["services"]["litellm"]["environment"]["LANGFUSE_SECRET_KEY"] == "${LANGFUSE_SECRET_KEY:?}"
    assert "http://langfuse.localhost:4000 {" in files["proxy/Caddyfile"]
    assert "http://taxiway-proxy-caddy-1:4000 {" in files["proxy/Caddyfile"]

    # observe.rm removes the Compose file (and keeps the .env): the next gateway run stops exporting.
    observability.compose_path(settings.paths).unlink()
    files = render.lab_plan(settings, "demo")
    assert not any(name.startswith("LANGFUSE") for name in gateway_env(files))
    assert "langfuse_otel" not in callbacks(files)
    assert "langfuse" not in files["proxy/Caddyfile"]


def _write_gateway_env(settings, lab: str, **values: str) -> None:
    path = state.gateway_env_path(settings.paths, lab)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in {"TAXIWAY_LITELLM_API_KEY": "sk-taxiway-" + "0" * 48, **values}.items()))


EXTERNAL = {
    "LANGFUSE_PUBLIC_KEY": "pk-lf-external-fake",
    "LANGFUSE_SECRET_KEY": "sk-lf-external-fake",
    "LANGFUSE_OTEL_HOST": "https://langfuse.example.invalid",
}


def test_external_langfuse_keys_are_kept_while_the_stack_is_not_initialized(demo, settings):
    _write_gateway_env(settings, "demo", **EXTERNAL)
    assert gateway_env(render.lab_plan(settings, "demo")).items() >= EXTERNAL.items()
    values = initialize(settings)
    assert gateway_env(render.lab_plan(settings, "demo"))["LANGFUSE_PUBLIC_KEY"] == values["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"]


def test_keys_of_a_removed_stack_are_dropped(demo, settings):
    """No dead export: keys pointing at this installation's stack go once it is removed."""
    _write_gateway_env(settings, "demo", **{**EXTERNAL, "LANGFUSE_OTEL_HOST": observability.otel_host(settings)})
    assert not any(name.startswith("LANGFUSE") for name in gateway_env(render.lab_plan(settings, "demo")))


def test_initialized_stack_with_a_broken_env_is_a_plain_error(demo, settings, cli):
    initialize(settings)
    path = observability.env_path(settings.paths)
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True) if "PUBLIC_KEY" not in line))
    code, _, err = cli("gateway.render", "--lab=demo")
    assert code == 1
    assert err.splitlines() == [
        f"error: {path} lacks LANGFUSE_INIT_PROJECT_PUBLIC_KEY",
        "  run `invoke observe.up` to add what is missing",
    ]


def test_stale_and_exporting_labs(demo, settings, cli):
    from taxiway_build import observe

    assert cli("lab.create", "--lab=other", "--agent=codex")[0] == 0
    for lab in ("demo", "other"):
        _write_gateway_env(settings, lab)
        (state.gateway_env_path(settings.paths, lab).parent / "litellm.compose.yml").write_text("services: {}\n")
    assert observe.stale_labs(settings) == [] and observe.exporting_labs(settings) == []
    initialize(settings)
    assert observe.stale_labs(settings) == ["demo", "other"]
    export = observability.lab_export(settings)
    _write_gateway_env(settings, "demo", **export)
    assert observe.stale_labs(settings) == ["other"]
    assert observe.exporting_labs(settings) == ["demo"]


# --------------------------------------------------------------------------------------------
# The tasks, without an engine.


def test_observe_up_dry_run_prints_commands_and_writes_nothing(home, cli, tree_state):
    before = tree_state(home)
    code, out, err = cli("observe.up", "--dry-run")
    assert (code, err) == (0, "")
    assert tree_state(home) == before
    obs = home / "observability"
    assert f"[dry-run] would write {obs / '.env'}\n" in out
    assert f"[dry-run] would write {obs / 'langfuse.compose.yml'}\n" in out
    assert (
        f"[dry-run] docker compose --project-name taxiway-observability --project-directory {obs} "
        f"-f {obs / 'langfuse.compose.yml'} --env-file {obs / '.env'} up -d --remove-orphans\n"
    ) in out
    assert "[dry-run] docker network connect taxiway-observability_default taxiway-proxy-caddy-1\n" in out
    assert f"[dry-run] would write {home / 'proxy' / 'Caddyfile'}\n" in out
    assert out.endswith("nothing was run or written\n")


def test_observe_rm_dry_run_prints_commands_and_changes_nothing(home, settings, cli, tree_state):
    initialize(settings)
    before = tree_state(home)
    code, out, err = cli("observe.rm", "--volumes", "--dry-run")
    assert (code, err) == (0, "")
    assert tree_state(home) == before
    assert "[dry-run] docker network disconnect --force taxiway-observability_default taxiway-proxy-caddy-1\n" in out
    assert "--env-file " + str(home / "observability" / ".env") + " down --remove-orphans --volumes\n" in out
    assert f"[dry-run] would remove {home / 'observability' / '.env'}\n" in out


def test_observe_commands_with_nothing_set_up(home, cli, tree_state):
    before = tree_state(home)
    assert cli("observe.rm") == (0, "Langfuse: not set up; nothing to remove\n", "")
    assert cli("observe.down") == (0, "Langfuse: not set up; nothing to stop\n", "")
    code, out, err = cli("observe.open")
    assert (code, out) == (1, "")
    assert err == "error: Langfuse is not set up\n  start it with: invoke observe.up\n"
    code, out, _ = cli("observe.status")
    assert code == 0 and "Status: not initialized" in out and "Reason: run `invoke observe.up`" in out
    assert tree_state(home) == before


def test_observe_open_prints_the_url(home, settings, cli, monkeypatch):
    monkeypatch.setenv("TAXIWAY_PROXY_PORT", "14000")
    initialize(load_settings())
    # stdout is not a terminal here: the URL only, no browser.
    assert cli("observe.open") == (0, "http://langfuse.localhost:14000\n", "")


def real_cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The real ``invoke`` (in-process, ``import docker`` would find tests/docker instead of the SDK)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TAXIWAY_", "DOCKER_"))}
    return subprocess.run(
        [INVOKE, "-r", str(PROJECT_ROOT), *args], capture_output=True, text=True, timeout=60,
        env={**base, "TAXIWAY_HOME": str(home), **env},
    )


def test_observe_up_needs_docker(home, tree_state):
    before = tree_state(home)
    result = real_cli(home, "observe.up", DOCKER_HOST=NO_DOCKER)
    assert result.returncode == 1 and result.stderr.startswith("error: Docker daemon is not reachable")
    assert "Traceback" not in result.stderr
    assert tree_state(home) == before


def test_access_shows_langfuse_login_once_initialized(home, settings, cli):
    code, out, _ = cli("access")
    assert "  Langfuse: not initialized (run `invoke observe.up` to enable traces)\n" in out
    values = initialize(settings)
    code, out, _ = cli("access")
    assert code == 0
    assert (
        "Observability:\n  Langfuse:\n    URL: http://langfuse.localhost:4000\n"
        f"    Email: admin@taxiway.local\n    Password: {values['LANGFUSE_INIT_USER_PASSWORD']}\n"
    ) in out
    data = json.loads(cli("access", "--json")[1])
    assert data["langfuse"] == {
        "state": "initialized", "url": "http://langfuse.localhost:4000", "email": "admin@taxiway.local",
        "password": values["LANGFUSE_INIT_USER_PASSWORD"],
    }
    observability.compose_path(settings.paths).unlink()
    assert json.loads(cli("access", "--json")[1])["langfuse"]["state"] == "removed"


def test_status_without_docker_reports_the_stack(home, settings):
    initialize(settings)
    result = real_cli(home, "status", DOCKER_HOST=NO_DOCKER)
    assert result.returncode == 0, result.stderr
    assert "Langfuse stack:\n  Status: docker unavailable\n  Compose project: taxiway-observability\n" in result.stdout
    result = real_cli(home, "observe.status", "--json", DOCKER_HOST=NO_DOCKER)
    data = json.loads(result.stdout)
    assert data["state"] == "docker unavailable" and "no Docker socket" in data["reason"]


def test_observe_down_dry_run(home, settings, cli, tree_state):
    initialize(settings)
    before = tree_state(home)
    code, out, err = cli("observe.down", "--dry-run")
    assert (code, err) == (0, "")
    obs = home / "observability"
    assert out == (
        f"[dry-run] docker compose --project-name taxiway-observability --project-directory {obs} "
        f"-f {obs / 'langfuse.compose.yml'} --env-file {obs / '.env'} stop\n"
    )
    assert tree_state(home) == before
