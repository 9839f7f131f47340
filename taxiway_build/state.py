"""Reading and updating what lives under ``TAXIWAY_HOME``: labs, keys, catalog, credentials."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from taxiway_build import fs, observability, plan
from taxiway_build.builders.env import KEY_VAR, LANGFUSE_VARS
from taxiway_build.catalog import DEFAULT_CATALOG, Catalog, load_catalog
from taxiway_build.envfile import read_env
from taxiway_build.errors import TaxiwayError
from taxiway_build.lab import RECORD_NAME, Lab, parse_record, validate_name
from taxiway_build.settings import CONFIG_DIR, Settings, StatePaths

KEY_PREFIX = "sk-taxiway-"


def new_key() -> str:
    """A lab gateway key: ``sk-taxiway-`` and 48 hex characters."""
    return KEY_PREFIX + secrets.token_hex(24)


def load_assets() -> plan.Assets:
    return plan.Assets(
        session_mapper=(CONFIG_DIR / "litellm" / "callbacks" / "codex_session_mapper.py").read_text(),
        caddy_global=(CONFIG_DIR / "caddy" / "global.caddy").read_text(),
        caddy_index=(CONFIG_DIR / "caddy" / "index.html").read_text(),
        lab_tags=(CONFIG_DIR / "litellm" / "callbacks" / "lab_tags.py").read_text(),
    )


def record_path(paths: StatePaths, name: str) -> Path:
    return paths.lab_dir(name) / RECORD_NAME


def read_lab(paths: StatePaths, name: str) -> Lab:
    validate_name(name)
    path = record_path(paths, name)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise TaxiwayError(
            f"lab {name!r} does not exist", f"create it with: invoke lab.create --lab={name} --agent=codex|claude-code"
        ) from None
    lab = parse_record(text, path)
    if lab.name != name:
        raise TaxiwayError(f"lab record {path} names lab {lab.name!r}, not {name!r}", "fix or remove the file")
    return lab


def list_labs(paths: StatePaths) -> list[Lab]:
    """Every lab with a record, sorted; a broken record is an error naming its file."""
    if not paths.lab_state.is_dir():
        return []
    return [read_lab(paths, d.name) for d in sorted(paths.lab_state.iterdir()) if (d / RECORD_NAME).is_file()]


def write_lab(paths: StatePaths, lab: Lab) -> bool:
    return fs.write_file(record_path(paths, lab.name), lab.to_json())


def remove_lab_state(paths: StatePaths, name: str) -> None:
    shutil.rmtree(paths.lab_dir(validate_name(name)), ignore_errors=False)


def gateway_env_path(paths: StatePaths, name: str) -> Path:
    return paths.home / plan.gateway_dir(name) / plan.ENV_FILE


def read_gateway_env(paths: StatePaths, name: str) -> dict[str, str]:
    return read_env(gateway_env_path(paths, name))


def existing_key(paths: StatePaths, name: str) -> str | None:
    return read_gateway_env(paths, name).get(KEY_VAR) or None


def langfuse_keys(gateway_env: dict[str, str]) -> dict[str, str] | None:
    """Langfuse export settings when all of them are present, else None (no export)."""
    values = {name: gateway_env.get(name, "") for name in LANGFUSE_VARS}
    return values if all(values.values()) else None


def lab_langfuse(settings: Settings, gateway_env: dict[str, str]) -> dict[str, str] | None:
    """Where a lab exports traces: the observability stack while it is initialized; otherwise
    keys already in the lab's gateway env (say, an external Langfuse), unless they point at
    the stack, which ``invoke observe.rm`` removed (no dead export)."""
    managed = observability.lab_export(settings)
    if managed:
        return managed
    keys = langfuse_keys(gateway_env)
    if keys and keys["LANGFUSE_OTEL_HOST"] == observability.otel_host(settings):
        return None
    return keys


def catalog(paths: StatePaths, *, install: bool) -> Catalog:
    """The runtime catalog; installed from the default when missing (only if ``install``).

    Once installed it is the user's: never overwritten. Without ``install`` (render, status)
    a missing runtime catalog reads the default instead, writing nothing.
    """
    path = paths.catalog
    if not path.exists():
        if not install:
            return load_catalog(DEFAULT_CATALOG)
        fs.write_file(path, DEFAULT_CATALOG.read_text(), mode=fs.PUBLIC_MODE)
    return load_catalog(path)


def has_codex_credentials(paths: StatePaths) -> bool:
    return (paths.codex_token_dir / "auth.json").is_file()


def configured_gateways(paths: StatePaths) -> list[str]:
    """Labs whose gateway has been configured (compose file written): the proxy routes."""
    if not paths.lab_state.is_dir():
        return []
    return sorted(
        d.name for d in paths.lab_state.iterdir() if (d / "gateway" / plan.COMPOSE_FILE).is_file()
    )


def lab_inputs(settings: Settings, lab: Lab, *, key: str, install_catalog: bool) -> plan.LabInputs:
    paths = settings.paths
    cat = catalog(paths, install=install_catalog)
    return plan.LabInputs(
        lab=lab,
        models=plan.lab_models(lab, cat.models),
        key=key,
        proxy_port=settings.proxy_port,
        images=settings.images,
        database=settings.gateway_db == "postgres",
        langfuse=lab_langfuse(settings, read_gateway_env(paths, lab.name)),
        has_codex_credentials=has_codex_credentials(paths),
        chatgpt_api_base=settings.chatgpt_api_base,
        names=settings.names,
    )
